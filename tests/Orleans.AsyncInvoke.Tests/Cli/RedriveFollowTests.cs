using System.Net;
using System.Text;
using Orleans.AsyncInvoke.Cli;

namespace Orleans.AsyncInvoke.Tests.Cli;

/// <summary>
/// <c>redrive</c> when a job of the function is running already: the CLI follows it instead of failing. Run in process
/// against a scripted gateway, because against a silo a job that short ends before a second process starts.
/// </summary>
[Trait("Category", "Unit")]
public sealed class RedriveFollowTests
{
    private const string Running = """{"functionName":"fail","source":"dlq","queue":"fail-dlq","state":"running","total":3,"moved":1,"skipped":0,"failed":0,"startedAt":"2026-12-02T05:00:00Z","completedAt":null,"error":null,"movedRequestIds":["r-1"]}""";
    private const string Completed = """{"functionName":"fail","source":"dlq","queue":"fail-dlq","state":"completed","total":3,"moved":3,"skipped":0,"failed":0,"startedAt":"2026-12-02T05:00:00Z","completedAt":"2026-12-02T05:00:02Z","error":null,"movedRequestIds":["r-1","r-2","r-3"]}""";
    private const string Stopped = """{"functionName":"fail","source":"dlq","queue":"fail-dlq","state":"stopped","total":3,"moved":1,"skipped":0,"failed":0,"startedAt":"2026-12-02T05:00:00Z","completedAt":"2026-12-02T05:00:02Z","error":"The function is gone.","movedRequestIds":["r-1"]}""";

    [Fact]
    public async Task Redrive_WhenAJobIsRunningAlready_FollowsItToTheEnd_AndPrintsWhatItMoved()
    {
        var gateway = new ScriptedGateway(
            (HttpMethod.Post, HttpStatusCode.Conflict, """{"errorType":"InvalidStateException","errorMessage":"A redrive of fail from fail-dlq is running."}"""),
            (HttpMethod.Get, HttpStatusCode.OK, Running),
            (HttpMethod.Get, HttpStatusCode.OK, Running),
            (HttpMethod.Get, HttpStatusCode.OK, Completed));

        var (exitCode, stdout, stderr) = await RunAsync(gateway, "redrive", "fail");

        Assert.True(exitCode == 0, $"exit {exitCode}\n{stdout}\n{stderr}");
        Assert.Contains("A redrive of fail is running already (from fail-dlq", stderr, StringComparison.Ordinal);
        Assert.Equal(
            ["Redrive of fail from fail-dlq completed: moved 3, skipped 0, failed 0 of 3.", "moved r-1", "moved r-2", "moved r-3"],
            stdout.TrimEnd().Split('\n'));
        Assert.Equal(["POST", "GET", "GET", "GET"], gateway.Methods);
    }

    [Fact]
    public async Task Redrive_WhenTheJobStops_ExitsOneWithItsError()
    {
        var gateway = new ScriptedGateway((HttpMethod.Post, HttpStatusCode.Accepted, Running), (HttpMethod.Get, HttpStatusCode.OK, Stopped));

        var (exitCode, _, stderr) = await RunAsync(gateway, "redrive", "fail");

        Assert.Equal(1, exitCode);
        Assert.StartsWith("RedriveStopped: The function is gone. 'asyncinvoke redrive fail' goes on from where it stopped.", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redrive_WhenAConflictIsNotARunningJob_ExitsFive()
    {
        var gateway = new ScriptedGateway(
            (HttpMethod.Post, HttpStatusCode.Conflict, """{"errorType":"InvalidStateException","errorMessage":"Something else."}"""),
            (HttpMethod.Get, HttpStatusCode.OK, Completed));

        var (exitCode, stdout, stderr) = await RunAsync(gateway, "redrive", "fail");

        Assert.Equal((5, ""), (exitCode, stdout));
        Assert.StartsWith("InvalidStateException: Something else.", stderr, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(ScriptedGateway gateway, params string[] args)
    {
        using var http = new HttpClient(gateway);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var environment = new CliEnvironment
        {
            Out = stdout,
            Error = stderr,
            In = TextReader.Null,
            OutputRedirected = true,
            InputRedirected = true,
            Variable = name => name == "ASYNCINVOKE_URL" ? "http://gateway.test:7071" : null,
            Http = http,
        };

        var exitCode = await CliApp.RunAsync(args, environment);
        return (exitCode, stdout.ToString().ReplaceLineEndings("\n"), stderr.ToString());
    }

    /// <summary>Answers each request with the next scripted answer, checking its method and path.</summary>
    private sealed class ScriptedGateway(params (HttpMethod Method, HttpStatusCode Status, string Body)[] answers) : HttpMessageHandler
    {
        private readonly Queue<(HttpMethod Method, HttpStatusCode Status, string Body)> _answers = new(answers);

        public List<string> Methods { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Methods.Add(request.Method.Method);
            Assert.Equal("/functions/fail/redrive", request.RequestUri!.AbsolutePath);
            Assert.True(_answers.Count > 0, $"No answer scripted for request {Methods.Count}: {request.Method} {request.RequestUri}");
            var (method, status, body) = _answers.Dequeue();
            Assert.Equal(method, request.Method);
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }
}
