using System.Diagnostics;

using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Orleans.AsyncInvoke.Functions;

namespace Orleans.AsyncInvoke.Execution.Lambda;

/// <summary>
/// One Lambda execution environment: a runtime process and the Runtime API it polls, on a loopback port of its own
/// (which is how the silo tells environments apart: <c>AWS_LAMBDA_RUNTIME_API</c> is only <c>host:port</c>). It
/// handles one invocation at a time and is reused warm; a timeout, a crash or an init error ends it.
/// </summary>
internal sealed partial class ExecutionEnvironment : IAsyncDisposable
{
    private const string Prefix = "/2018-06-01/runtime/";

    private readonly HttpListener _listener = new();
    private readonly Channel<Invocation> _next = Channel.CreateBounded<Invocation>(1);
    private readonly TaskCompletionSource _initialized = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _lifetime = new();
    private readonly ILogger _logger;
    private readonly string _functionName;
    private readonly Stopwatch _sinceStart = Stopwatch.StartNew();
    private System.Diagnostics.Process? _process;
    private volatile Invocation? _current;
    private int _disposed;
    private long _lastOutput;
    private string? _lastRequestId;

    private ExecutionEnvironment(string key, string functionName, ILogger logger)
    {
        Key = key;
        _functionName = functionName;
        _logger = logger;
    }

    /// <summary>Which function version and configuration this environment runs.</summary>
    public string Key { get; }

    /// <summary>When it last finished an invocation.</summary>
    public DateTimeOffset IdleSince { get; set; }

    /// <summary>Whether it can take no further invocation (exited, timed out, failed its init).</summary>
    public bool Dead { get; private set; }

    /// <summary>How long its init took, reported once (with its first invocation), as Lambda's <c>Init Duration</c>.</summary>
    public TimeSpan? InitDuration { get; private set; }

    private bool _initReported;

    /// <summary>Starts the runtime process with Lambda's environment and the Runtime API on a free loopback port.</summary>
    public static ExecutionEnvironment Start(string key, FunctionDefinition function, string taskRoot, string region, LambdaOptions options, ILogger logger)
    {
        var environment = new ExecutionEnvironment(key, function.Name, logger);
        var port = environment.Listen();
        var start = LambdaRuntimes.StartInfo(function.Runtime!, taskRoot);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        start.UseShellExecute = false;
        var variables = start.Environment;
        foreach (var (name, value) in function.Environment)
        {
            variables[name] = value;
        }

        variables["AWS_LAMBDA_RUNTIME_API"] = $"127.0.0.1:{port}";
        variables["_HANDLER"] = function.Handler ?? "";
        variables["LAMBDA_TASK_ROOT"] = taskRoot;
        variables["LAMBDA_RUNTIME_DIR"] = taskRoot;
        variables["AWS_LAMBDA_FUNCTION_NAME"] = function.Name;
        variables["AWS_LAMBDA_FUNCTION_VERSION"] = function.Version;
        variables["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = function.MemorySize.ToString(CultureInfo.InvariantCulture);
        variables["AWS_LAMBDA_LOG_GROUP_NAME"] = $"/aws/lambda/{function.Name}";
        variables["AWS_LAMBDA_LOG_STREAM_NAME"] = $"{DateTimeOffset.UtcNow:yyyy/MM/dd}/[{function.Version}]{Guid.NewGuid():N}";
        variables["AWS_LAMBDA_INITIALIZATION_TYPE"] = "on-demand";
        variables["AWS_REGION"] = region;
        variables["AWS_DEFAULT_REGION"] = region;
        variables["AWS_EXECUTION_ENV"] = $"AWS_Lambda_{function.Runtime}";
        variables["TZ"] = ":UTC";
        variables["LANG"] = "en_US.UTF-8";
        if (options.AccessKeyId is { Length: > 0 } keyId && options.SecretAccessKey is { Length: > 0 } secret)
        {
            variables["AWS_ACCESS_KEY_ID"] = keyId;
            variables["AWS_SECRET_ACCESS_KEY"] = secret;
        }

        if (options.EndpointUrl is { } endpoint)
        {
            variables["AWS_ENDPOINT_URL"] = endpoint.ToString().TrimEnd('/');
        }

        var process = new System.Diagnostics.Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => environment.OnOutput(e.Data);
        process.ErrorDataReceived += (_, e) => environment.OnOutput(e.Data);
        process.Exited += (_, _) => environment.OnExited();
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            environment._listener.Close();
            throw new FunctionErrorException("Runtime.InvalidEntrypoint", $"The runtime could not be started: {ex.Message}");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        environment._process = process;
        _ = environment.ServeAsync();
        return environment;
    }

    /// <summary>Runs one invocation: hands the event to the runtime's next poll and waits for its answer.</summary>
    public async Task<byte[]> InvokeAsync(FunctionContext context, string functionArn, TimeSpan initTimeout, CancellationToken cancellationToken)
    {
        if (!_initialized.Task.IsCompleted)
        {
            try
            {
                await _initialized.Task.WaitAsync(initTimeout, cancellationToken);
            }
            catch (TimeoutException)
            {
                Kill();
                throw new FunctionErrorException("Runtime.InitError", $"RequestId: {context.RequestId} Error: the runtime did not ask for an event within its init timeout ({initTimeout.TotalSeconds:0} s)");
            }
        }

        // Init is over: the function's timeout counts from here, and so does the deadline the runtime is given.
        var deadline = context.StartInvokePhase();
        if (context.Log is { } log && !_initReported)
        {
            log.InitDuration = InitDuration;
        }

        var invocation = new Invocation(context.RequestId, context.Payload, deadline.ToUnixTimeMilliseconds(), functionArn, TraceId(context.TraceParent))
        {
            ClientContext = context.ClientContext,
            Log = context.Log,
        };
        using var cancel = cancellationToken.Register(static s => ((ExecutionEnvironment)s!).Kill(), this);
        LogStart(_logger, context.RequestId, context.ExecutedVersion);
        var started = Stopwatch.StartNew();
        _current = invocation;
        _lastRequestId = invocation.RequestId;
        if (Dead)
        {
            throw new FunctionErrorException("Runtime.ExitError", $"RequestId: {context.RequestId} Error: Runtime exited before the invocation");
        }

        try
        {
            await _next.Writer.WriteAsync(invocation, cancellationToken);
            var result = await invocation.Result.Task.WaitAsync(cancellationToken);
            if (invocation.Log is not null)
            {
                await OutputSettledAsync();
            }

            return result;
        }
        finally
        {
            var duration = started.Elapsed.TotalMilliseconds;
            var init = !_initReported && InitDuration is { } d ? $"\tInit Duration: {d.TotalMilliseconds:0.00} ms" : "";
            _initReported = true;
            LogEnd(_logger, context.RequestId);
            LogReport(_logger, context.RequestId, duration.ToString("0.00", CultureInfo.InvariantCulture),
                Math.Ceiling(duration).ToString("0", CultureInfo.InvariantCulture), init);
            _current = null;
        }
    }

    private int Listen()
    {
        for (var attempt = 0; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                _listener.Start();
                return port;
            }
            catch (HttpListenerException) when (attempt < 10)
            {
                // Taken between the probe and the start: try another.
            }
        }
    }

    private async Task ServeAsync()
    {
        while (!_lifetime.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = HandleAsync(context);
        }
    }

    private async Task HandleAsync(HttpListenerContext http)
    {
        var request = http.Request;
        var response = http.Response;
        try
        {
            var path = request.Url?.AbsolutePath ?? "";
            if (request.HttpMethod == "GET" && path == Prefix + "invocation/next")
            {
                await NextAsync(response);
                return;
            }

            if (request.HttpMethod == "POST" && path == Prefix + "init/error")
            {
                var error = await ReadErrorAsync(request, "Runtime.InitError");
                _initialized.TrySetException(error);
                Dead = true;
                await WriteAsync(response, 202, """{"status":"OK"}""");
                return;
            }

            if (request.HttpMethod == "POST" && path.StartsWith(Prefix + "invocation/", StringComparison.Ordinal))
            {
                var rest = path[(Prefix.Length + "invocation/".Length)..].Split('/');
                var current = _current;
                if (rest.Length != 2 || rest[1] is not ("response" or "error"))
                {
                    await WriteAsync(response, 404, """{"errorMessage":"Not found","errorType":"InvalidRequest"}""");
                    return;
                }

                if (current is null || !string.Equals(current.RequestId, Uri.UnescapeDataString(rest[0]), StringComparison.Ordinal))
                {
                    await WriteAsync(response, 400, """{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}""");
                    return;
                }

                if (rest[1] == "response")
                {
                    using var body = new MemoryStream();
                    await request.InputStream.CopyToAsync(body);
                    current.Result.TrySetResult(body.ToArray());
                }
                else
                {
                    current.Result.TrySetException(await ReadErrorAsync(request, "Unhandled"));
                }

                await WriteAsync(response, 202, """{"status":"OK"}""");
                return;
            }

            await WriteAsync(response, 404, """{"errorMessage":"Not found","errorType":"InvalidRequest"}""");
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The runtime went away mid-request; its exit is handled on its own.
        }
    }

    private async Task NextAsync(HttpListenerResponse response)
    {
        if (!_initialized.Task.IsCompleted)
        {
            InitDuration = _sinceStart.Elapsed;
            _initialized.TrySetResult();
        }

        var invocation = await _next.Reader.ReadAsync(_lifetime.Token);
        response.Headers["Lambda-Runtime-Aws-Request-Id"] = invocation.RequestId;
        response.Headers["Lambda-Runtime-Deadline-Ms"] = invocation.DeadlineMs.ToString(CultureInfo.InvariantCulture);
        response.Headers["Lambda-Runtime-Invoked-Function-Arn"] = invocation.FunctionArn;
        response.Headers["Lambda-Runtime-Trace-Id"] = invocation.TraceId;
        if (invocation.ClientContext is not null)
        {
            response.Headers["Lambda-Runtime-Client-Context"] = invocation.ClientContext;
        }

        response.ContentType = "application/json";
        response.StatusCode = 200;
        response.ContentLength64 = invocation.Payload.Length;
        await response.OutputStream.WriteAsync(invocation.Payload);
        response.Close();
    }

    private static async Task<FunctionErrorException> ReadErrorAsync(HttpListenerRequest request, string fallbackType)
    {
        using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        var type = request.Headers["Lambda-Runtime-Function-Error-Type"];
        var message = text;
        try
        {
            using var json = JsonDocument.Parse(text);
            if (json.RootElement.ValueKind == JsonValueKind.Object)
            {
                type = json.RootElement.TryGetProperty("errorType", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : type;
                message = json.RootElement.TryGetProperty("errorMessage", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() ?? "" : text;
            }
        }
        catch (JsonException)
        {
            // Not JSON: the whole body is the message.
        }

        return new FunctionErrorException(string.IsNullOrEmpty(type) ? fallbackType : type, message);
    }

    private static async Task WriteAsync(HttpListenerResponse response, int status, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
        response.Close();
    }

    private void OnOutput(string? line)
    {
        if (line is not null)
        {
            Volatile.Write(ref _lastOutput, Stopwatch.GetTimestamp());
            var current = _current;
            LogOutput(_logger, _functionName, current?.RequestId ?? _lastRequestId ?? "init", line);
            current?.Log?.Append(line);
        }
    }

    /// <summary>
    /// What a runtime prints just before posting its response travels through a pipe read on another thread, so it may
    /// arrive after the response: for a log tail, wait until the output has been quiet briefly (bounded).
    /// </summary>
    private async Task OutputSettledAsync()
    {
        var quiet = TimeSpan.FromMilliseconds(15);
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromMilliseconds(250) && Stopwatch.GetElapsedTime(Volatile.Read(ref _lastOutput)) < quiet)
        {
            await Task.Delay(5);
        }

        if (waited.Elapsed < quiet)
        {
            await Task.Delay(quiet - waited.Elapsed);
        }
    }

    private void OnExited()
    {
        Dead = true;
        var code = 0;
        try
        {
            code = _process?.ExitCode ?? 0;
        }
        catch (InvalidOperationException)
        {
            // Not started.
        }

        var error = new FunctionErrorException("Runtime.ExitError", $"RequestId: {_current?.RequestId ?? "n/a"} Error: Runtime exited with error: exit status {code}");
        _initialized.TrySetException(new FunctionErrorException("Runtime.ExitError", $"Runtime exited during init with error: exit status {code}"));
        _current?.Result.TrySetException(error);
        _lifetime.Cancel();
    }

    /// <summary>Ends the environment at once (a timeout or a shutdown): its whole process group goes.</summary>
    public void Kill()
    {
        Dead = true;
        try
        {
            _process?.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        Kill();
        await _lifetime.CancelAsync();
        _listener.Close();
        if (_process is not null)
        {
            try
            {
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (TimeoutException)
            {
                // Left to the OS.
            }

            _process.Dispose();
        }

        _lifetime.Dispose();
    }

    private static string TraceId(string? traceParent)
    {
        // W3C traceparent 00-<trace>-<span>-<flags> → X-Ray's Root=1-<8 hex>-<24 hex>;Parent=<span>;Sampled=<0|1>.
        var parts = traceParent?.Split('-');
        return parts is [_, { Length: 32 } trace, { Length: 16 } span, { Length: 2 } flags]
            ? $"Root=1-{trace[..8]}-{trace[8..]};Parent={span};Sampled={(flags == "01" ? 1 : 0)}"
            : $"Root=1-{DateTimeOffset.UtcNow.ToUnixTimeSeconds():x8}-{Guid.NewGuid():N}"[..39] + ";Sampled=0";
    }

    private sealed record Invocation(string RequestId, byte[] Payload, long DeadlineMs, string FunctionArn, string TraceId)
    {
        public TaskCompletionSource<byte[]> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string? ClientContext { get; init; }

        public FunctionLog? Log { get; init; }
    }

    [LoggerMessage(EventId = LogEvents.LambdaStart, Level = LogLevel.Information, Message = "START RequestId: {RequestId} Version: {Version}")]
    private static partial void LogStart(ILogger logger, string requestId, string version);

    [LoggerMessage(EventId = LogEvents.LambdaEnd, Level = LogLevel.Information, Message = "END RequestId: {RequestId}")]
    private static partial void LogEnd(ILogger logger, string requestId);

    [LoggerMessage(EventId = LogEvents.LambdaReport, Level = LogLevel.Information, Message = "REPORT RequestId: {RequestId}\tDuration: {Duration} ms\tBilled Duration: {Billed} ms{Init}")]
    private static partial void LogReport(ILogger logger, string requestId, string duration, string billed, string init);

    [LoggerMessage(EventId = LogEvents.LambdaOutput, Level = LogLevel.Information, Message = "{FunctionName} {RequestId} {Line}")]
    private static partial void LogOutput(ILogger logger, string functionName, string requestId, string line);
}
