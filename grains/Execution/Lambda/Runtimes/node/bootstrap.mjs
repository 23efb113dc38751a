// The Node.js runtime of Orleans.AsyncInvoke's execution environments: loads the handler named by _HANDLER from
// LAMBDA_TASK_ROOT (CommonJS or ES module), then polls the Lambda Runtime API and answers each event, as Lambda's own
// Node runtime does (async and callback handlers, the full context, errors as {errorType, errorMessage, trace}).
import http from 'node:http';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [host, port] = (process.env.AWS_LAMBDA_RUNTIME_API ?? '').split(':');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const base = '/2018-06-01/runtime';

function call(method, route, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const request = http.request({ host, port: Number(port), method, path: `${base}${route}`, agent, headers }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    if (body !== undefined) {
      request.setHeader('content-type', 'application/json');
      request.end(body);
    } else {
      request.end();
    }
  });
}

function errorBody(error) {
  const isError = error instanceof Error;
  return JSON.stringify({
    errorType: isError ? (error.name === 'Error' && error.constructor?.name ? error.constructor.name : error.name) : 'Error',
    errorMessage: isError ? error.message : String(error),
    trace: isError && typeof error.stack === 'string' ? error.stack.split('\n') : [],
  });
}

class RuntimeError extends Error {
  constructor(name, message) {
    super(message);
    this.name = name;
  }
}

async function loadHandler() {
  const handler = process.env._HANDLER ?? '';
  const root = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
  const dot = handler.lastIndexOf('.');
  if (dot <= 0) {
    throw new RuntimeError('Runtime.MalformedHandlerName', `Bad handler ${handler}: it must be <module>.<function>, e.g. index.handler`);
  }

  const modulePath = handler.slice(0, dot);
  const functionName = handler.slice(dot + 1);
  const file = ['.js', '.mjs', '.cjs'].map((ext) => path.resolve(root, modulePath + ext)).find((candidate) => existsSync(candidate));
  if (!file) {
    throw new RuntimeError('Runtime.ImportModuleError', `Error: Cannot find module '${modulePath}'`);
  }

  let loaded;
  try {
    loaded = await import(pathToFileURL(file).href);
  } catch (error) {
    throw new RuntimeError('Runtime.ImportModuleError', `${error?.name ?? 'Error'}: ${error?.message ?? error}`);
  }

  const fn = loaded[functionName] ?? loaded.default?.[functionName];
  if (typeof fn !== 'function') {
    throw new RuntimeError('Runtime.HandlerNotFound', `${modulePath}.${functionName} is undefined or not exported`);
  }

  return fn;
}

function parseClientContext(raw) {
  if (!raw) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function contextFor(headers) {
  const deadline = Number(headers['lambda-runtime-deadline-ms']);
  return {
    awsRequestId: headers['lambda-runtime-aws-request-id'],
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext: parseClientContext(headers['lambda-runtime-client-context']),
    identity: undefined,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

function run(fn, event, context) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const callback = (error, result) => {
      if (settled) return;
      settled = true;
      if (error !== null && error !== undefined) reject(error); else resolve(result);
    };
    context.done = callback;
    context.succeed = (result) => callback(null, result);
    context.fail = (error) => callback(error ?? new Error('handled'));
    try {
      const returned = fn(event, context, callback);
      if (returned && typeof returned.then === 'function') {
        returned.then((result) => callback(null, result), (error) => callback(error));
      } else if (fn.length < 3) {
        callback(null, returned);
      }
    } catch (error) {
      callback(error);
    }
  });
}

let handler;
try {
  handler = await loadHandler();
} catch (error) {
  console.error(`${error.name}: ${error.message}`);
  await call('POST', '/init/error', errorBody(error), { 'Lambda-Runtime-Function-Error-Type': error.name });
  process.exit(1);
}

for (;;) {
  const next = await call('GET', '/invocation/next');
  const id = next.headers['lambda-runtime-aws-request-id'];
  process.env._X_AMZN_TRACE_ID = next.headers['lambda-runtime-trace-id'] ?? '';
  const context = contextFor(next.headers);
  let event;
  try {
    event = next.body.length === 0 ? {} : JSON.parse(next.body);
  } catch (error) {
    await call('POST', `/invocation/${id}/error`, errorBody(new RuntimeError('Runtime.UnmarshalError', `Unable to parse the event as JSON: ${error.message}`)),
      { 'Lambda-Runtime-Function-Error-Type': 'Runtime.UnmarshalError' });
    continue;
  }

  // A handler awaiting a promise that nothing will settle leaves Node's event loop empty, and Node would exit (13)
  // where Lambda lets the invocation run into its timeout: hold the loop open while the handler runs.
  const holdOpen = setInterval(() => {}, 1 << 30);
  try {
    const result = await run(handler, event, context);
    await call('POST', `/invocation/${id}/response`, JSON.stringify(result === undefined ? null : result));
  } catch (error) {
    console.error(`ERROR\tInvoke Error\t${errorBody(error)}`);
    await call('POST', `/invocation/${id}/error`, errorBody(error), { 'Lambda-Runtime-Function-Error-Type': 'Unhandled' });
  } finally {
    clearInterval(holdOpen);
  }
}
