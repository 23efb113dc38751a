namespace Orleans.AsyncInvoke.Destinations;

/// <summary>One destination's deliveries on this silo: waiting, running, and how fast they drain.</summary>
internal sealed class DeliveryLane
{
    private long _countedSince;
    private long _counted;
    private double _perSecond;

    public DeliveryLane(string key, Dictionary<DestinationKind, IDestinationAdapter> adapters, int concurrency, int fairShare)
    {
        FairShare = fairShare;
        Key = key;
        Address = DestinationAddress.TryParse(key);
        Adapter = Address is null ? null : adapters.GetValueOrDefault(Address.Kind);
        MaxBatch = Math.Max(1, Adapter?.MaxBatch ?? 1);
        Concurrency = concurrency;
    }

    public string Key { get; }

    /// <summary>The key as logs, metrics and traces may show it: without the credentials a RabbitMQ key carries.</summary>
    public string Shown => Address?.Shown ?? Key;

    public DestinationAddress? Address { get; }

    public IDestinationAdapter? Adapter { get; }

    public int MaxBatch { get; }

    public int Concurrency { get; }

    /// <summary>Most deliveries one lane may hold waiting, so that one destination cannot take a silo's whole room.</summary>
    public int FairShare { get; }

    /// <summary>Deliveries waiting for a slot, with when each came in.</summary>
    public Queue<(Delivery Delivery, DateTimeOffset Since)> Waiting { get; } = new();

    public int Running { get; set; }

    /// <summary>
    /// How many may wait: what the lane drains in about ten seconds at its measured rate, at most its fair share of
    /// the silo's room (and at least one round of its slots); before a rate is known, the fair share. A delivery that
    /// waits too long all the same goes back to the index before its lease runs out.
    /// </summary>
    public int Capacity()
    {
        var round = Concurrency * MaxBatch;
        var share = Math.Max(round, FairShare);
        return _perSecond <= 0 ? share : Math.Max(round, (int)Math.Min(share, _perSecond * 10));
    }

    /// <summary>How long the deliveries waiting here take to drain at the measured rate.</summary>
    public TimeSpan TimeToDrain()
    {
        var seconds = _perSecond <= 0 ? 1 : (Waiting.Count + (Running * MaxBatch)) / _perSecond;
        var wait = TimeSpan.FromSeconds(seconds);
        return wait < DeliveryPump.ShortestDeferral ? DeliveryPump.ShortestDeferral : wait > DeliveryPump.LongestDeferral ? DeliveryPump.LongestDeferral : wait;
    }

    /// <summary>Counts finished deliveries into the drain rate (one-second windows, smoothed).</summary>
    public void Count(int finished, DateTimeOffset now)
    {
        var ms = now.ToUnixTimeMilliseconds();
        if (_countedSince == 0)
        {
            _countedSince = ms;
        }

        _counted += finished;
        var elapsed = ms - _countedSince;
        if (elapsed >= 1000)
        {
            var rate = _counted * 1000.0 / elapsed;
            _perSecond = _perSecond <= 0 ? rate : (_perSecond + rate) / 2;
            _counted = 0;
            _countedSince = ms;
        }
    }
}
