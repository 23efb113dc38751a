# The Python runtime of Orleans.AsyncInvoke's execution environments: imports the handler named by _HANDLER from
# LAMBDA_TASK_ROOT, then polls the Lambda Runtime API and answers each event as Lambda's own Python runtime does
# (the full context object, errors as {errorMessage, errorType, requestId, stackTrace}).
import http.client
import importlib
import json
import os
import sys
import time
import traceback

BASE = "/2018-06-01/runtime"
HOST, _, PORT = os.environ.get("AWS_LAMBDA_RUNTIME_API", "").partition(":")
connection = http.client.HTTPConnection(HOST, int(PORT or 80))


def call(method, route, body=None, headers=None):
    global connection
    for attempt in (1, 2):
        try:
            connection.request(method, BASE + route, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        except (http.client.HTTPException, ConnectionError):
            # A kept-alive connection the API closed: reconnect once.
            connection.close()
            connection = http.client.HTTPConnection(HOST, int(PORT or 80))
            if attempt == 2:
                raise


class RuntimeError_(Exception):
    def __init__(self, error_type, message):
        super().__init__(message)
        self.error_type = error_type


def error_body(error, request_id=None, error_type=None):
    body = {
        "errorMessage": str(error),
        "errorType": error_type or getattr(error, "error_type", None) or type(error).__name__,
        "stackTrace": traceback.format_list(traceback.extract_tb(error.__traceback__))[1:]
        if not isinstance(error, RuntimeError_) else [],
    }
    if request_id:
        body["requestId"] = request_id
    return json.dumps(body)


def post_error(route, error, request_id=None):
    body = error_body(error, request_id)
    error_type = json.loads(body)["errorType"]
    call("POST", route, body.encode("utf-8"),
         {"Content-Type": "application/json", "Lambda-Runtime-Function-Error-Type": error_type})
    return body


def load_handler():
    handler = os.environ.get("_HANDLER", "")
    module_path, _, function_name = handler.rpartition(".")
    if not module_path or not function_name:
        raise RuntimeError_("Runtime.MalformedHandlerName",
                            f"Bad handler '{handler}': not enough values to unpack (expected 2, got 1)")
    root = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
    if root not in sys.path:
        sys.path.insert(0, root)
    module_name = module_path.replace("/", ".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise RuntimeError_("Runtime.ImportModuleError", f"Unable to import module '{module_name}': {error}") from None
    except SyntaxError as error:
        raise RuntimeError_("Runtime.UserCodeSyntaxError", f"Syntax error in module '{module_name}': {error}") from None
    fn = getattr(module, function_name, None)
    if not callable(fn):
        raise RuntimeError_("Runtime.HandlerNotFound", f"Handler '{function_name}' missing on module '{module_name}'")
    return fn


class ClientContext:
    def __init__(self, raw):
        self.client = raw.get("client")
        self.custom = raw.get("custom")
        self.env = raw.get("env")


class LambdaContext:
    def __init__(self, headers):
        self.aws_request_id = headers.get("lambda-runtime-aws-request-id")
        self.invoked_function_arn = headers.get("lambda-runtime-invoked-function-arn")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.identity = None
        raw = headers.get("lambda-runtime-client-context")
        self.client_context = ClientContext(json.loads(raw)) if raw else None
        self._deadline_ms = int(headers.get("lambda-runtime-deadline-ms", "0"))

    def get_remaining_time_in_millis(self):
        return max(0, self._deadline_ms - int(time.time() * 1000))


def main():
    try:
        handler = load_handler()
    except Exception as error:  # noqa: BLE001 - every init failure is reported to the Runtime API
        body = post_error("/init/error", error)
        print(f"[ERROR] {body}", file=sys.stderr, flush=True)
        sys.exit(1)

    while True:
        _, headers, raw = call("GET", "/invocation/next")
        request_id = headers.get("lambda-runtime-aws-request-id")
        os.environ["_X_AMZN_TRACE_ID"] = headers.get("lambda-runtime-trace-id", "")
        try:
            event = json.loads(raw) if raw else {}
        except ValueError as error:
            post_error(f"/invocation/{request_id}/error",
                       RuntimeError_("Runtime.UnmarshalError", f"Unable to unmarshal input: {error}"), request_id)
            continue
        try:
            result = handler(event, LambdaContext(headers))
        except Exception as error:  # noqa: BLE001 - a handler's error is the invocation's function error
            body = post_error(f"/invocation/{request_id}/error", error, request_id)
            print(f"[ERROR] {body}", file=sys.stderr, flush=True)
            continue
        try:
            body = json.dumps(result).encode("utf-8")
        except (TypeError, ValueError) as error:
            post_error(f"/invocation/{request_id}/error",
                       RuntimeError_("Runtime.MarshalError", f"Unable to marshal response: {error}"), request_id)
            continue
        call("POST", f"/invocation/{request_id}/response", body, {"Content-Type": "application/json"})


if __name__ == "__main__":
    main()
