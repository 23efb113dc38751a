using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using StackExchange.Redis;

namespace Orleans.AsyncInvoke.Invocations.Storage;

/// <summary>
/// The opt-in durability of accepts (<c>AsyncInvoke:Redis:WaitForReplicas</c>): after an accept's write, Redis'
/// <c>WAIT</c> holds the acknowledgement until that many replicas of the master that took the write have it too, so a
/// failover to one of them cannot lose it. Replication is asynchronous otherwise: a master that fails between the
/// write and its replicas' copy takes an acknowledged event with it.
/// </summary>
/// <remarks>
/// <c>WAIT</c> covers every write sent before it on the same connection, and blocks that connection while it waits.
/// So accepts and their <c>WAIT</c>s have a connection of their own (<see cref="Connection"/>), and the waits are a
/// group commit: one <c>WAIT</c> in flight per master, and every write that completes meanwhile joins the next one.
/// </remarks>
public sealed class RedisReplicaBarrier(IConnectionMultiplexer connection, int replicas, TimeSpan timeout) : IDisposable
{
    private readonly ConcurrentDictionary<EndPoint, Lane> _lanes = new();

    /// <summary>The connection the accepts' writes go through (and their <c>WAIT</c>s after them).</summary>
    public IConnectionMultiplexer Connection => connection;

    /// <summary>How many replicas must have a write before it is acknowledged.</summary>
    public int Replicas => replicas;

    /// <summary>How long a write waits for them.</summary>
    public TimeSpan Timeout => timeout;

    /// <summary>
    /// Returns once <see cref="Replicas"/> replicas of <paramref name="key"/>'s master have every write this
    /// connection sent it so far; throws <see cref="ReplicaConfirmationException"/> when fewer do within <see cref="Timeout"/>.
    /// </summary>
    public async Task ConfirmAsync(RedisKey key)
    {
        var server = connection.GetServer(key);
        var lane = _lanes.GetOrAdd(server.EndPoint, _ => new Lane());
        Task<long> confirmed;
        var send = false;
        lock (lane)
        {
            lane.Next ??= new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            confirmed = lane.Next.Task;
            if (!lane.Busy)
            {
                lane.Busy = send = true;
            }
        }

        if (send)
        {
            _ = SendAsync(server, lane);
        }

        var acknowledged = await confirmed;
        if (acknowledged < replicas)
        {
            throw new ReplicaConfirmationException(string.Create(CultureInfo.InvariantCulture,
                $"{acknowledged} of {replicas} Redis replica(s) of {server.EndPoint} confirmed the write within {timeout.TotalMilliseconds:0} ms."));
        }
    }

    private async Task SendAsync(IServer server, Lane lane)
    {
        while (true)
        {
            TaskCompletionSource<long> group;
            lock (lane)
            {
                if (lane.Next is null)
                {
                    lane.Busy = false;
                    return;
                }

                group = lane.Next;
                lane.Next = null;
            }

            try
            {
                var result = await server.ExecuteAsync("WAIT", replicas, (long)timeout.TotalMilliseconds);
                group.SetResult((long)result);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                group.SetException(ex);
            }
        }
    }

    public void Dispose() => connection.Dispose();

    private sealed class Lane
    {
        public TaskCompletionSource<long>? Next { get; set; }

        public bool Busy { get; set; }
    }
}

/// <summary>An accept's write reached its Redis master but not enough of its replicas in time: it is not acknowledged.</summary>
public sealed class ReplicaConfirmationException(string message) : Exception(message);
