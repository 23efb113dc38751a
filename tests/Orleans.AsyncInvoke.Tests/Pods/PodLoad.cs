using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Orleans.AsyncInvoke.Tests.Pods;

/// <summary>
/// Callers of the HTTP Service: OpenFaaS-style accepts (<c>POST /async-function/{fn}</c>, <c>Authorization: Bearer</c>)
/// from a few paced workers, each sent to the next pod in the Service's endpoints. A caller that gets no answer (a
/// connection refused or reset by a pod that died) or a 5xx sends the same event again with the same call id, as a
/// client with retries does; an event counts as acknowledged when a 202 came back for it.
/// </summary>
internal sealed class PodLoad(PodCluster cluster, HttpClient http, string apiKey)
{
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(40);
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(60);
    private readonly ConcurrentQueue<string> _serverErrorSamples = new();
    private int _sent;
    private int _serverErrors;
    private int _connectionErrors;
    private int _unacknowledged;

    /// <summary>Request ids answered 202.</summary>
    public ConcurrentDictionary<string, string> Acknowledged { get; } = new(StringComparer.Ordinal);

    /// <summary>Answers 500 and above.</summary>
    public int ServerErrors => _serverErrors;

    /// <summary>Requests that got no answer at all (then sent again).</summary>
    public int ConnectionErrors => _connectionErrors;

    /// <summary>Events given up on after retrying for a minute: never acknowledged, so not owed.</summary>
    public int Unacknowledged => _unacknowledged;

    public string ServerErrorSamples => string.Join(" | ", _serverErrorSamples.Take(5));

    public Task RunAsync(int workers, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(() => WorkAsync(stop), CancellationToken.None)));

    private async Task WorkAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var n = Interlocked.Increment(ref _sent);
            await SendUntilAcknowledgedAsync($"pod-{n.ToString(CultureInfo.InvariantCulture)}-{Guid.NewGuid():N}", n);
            try
            {
                await Task.Delay(Pace, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task SendUntilAcknowledgedAsync(string id, int n)
    {
        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        while (elapsed.Elapsed < GiveUpAfter)
        {
            if (cluster.PickInService() is not { } pod)
            {
                await Task.Delay(50);
                continue;
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(pod.Endpoint, $"/async-function/{PodCluster.Function}"))
            {
                Content = new StringContent($$"""{"ms":20,"n":{{n}}}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("X-Call-Id", id);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
            try
            {
                using var response = await http.SendAsync(request);
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    Acknowledged[id] = pod.Name;
                    Interlocked.Increment(ref pod.Acknowledged);
                    return;
                }

                if ((int)response.StatusCode >= 500)
                {
                    Interlocked.Increment(ref _serverErrors);
                    _serverErrorSamples.Enqueue($"{(int)response.StatusCode} from {pod.Name}: {await response.Content.ReadAsStringAsync()}");
                }
                else
                {
                    throw new InvalidOperationException($"{pod.Name} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref _connectionErrors);
            }

            await Task.Delay(50);
        }

        Interlocked.Increment(ref _unacknowledged);
    }
}
