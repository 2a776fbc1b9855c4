using System.Threading.Channels;

namespace BeidouHub.Service.Hub;

/// <summary>The subscriber fell hopelessly behind and was ended by the hub.</summary>
internal sealed class SlowSubscriberException(string message) : Exception(message);

/// <summary>
/// One subscriber's queue: bounded, and when full the oldest update is dropped (a receiver never
/// waits for a subscriber). The number dropped since the subscriber's previous message goes out
/// with the next one. A subscriber that reads nothing for <c>hopelessAfter</c> while updates are
/// being dropped is ended with <see cref="SlowSubscriberException"/>.
/// </summary>
internal sealed class Subscription<T> : IDisposable
    where T : class
{
    private readonly Channel<T> _channel;
    private readonly Func<T, bool> _accepts;
    private readonly Action<Subscription<T>> _remove;
    private readonly TimeProvider _time;
    private readonly TimeSpan _hopelessAfter;
    private long _dropped;
    private long _droppedTotal;
    private long _lastReadTicks;
    private int _removed;
    private readonly CancellationTokenSource _ended;

    public Subscription(int capacity, Func<T, bool> accepts, Action<Subscription<T>> remove, TimeProvider time, TimeSpan hopelessAfter)
    {
        _channel = Channel.CreateBounded<T>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ =>
            {
                Interlocked.Increment(ref _dropped);
                Interlocked.Increment(ref _droppedTotal);
            });
        _accepts = accepts;
        _remove = remove;
        _time = time;
        _hopelessAfter = hopelessAfter;
        _lastReadTicks = time.GetUtcNow().UtcTicks;

        // Not cancelled until End starts the grace period, on the hub's clock.
        _ended = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
    }

    public ChannelReader<T> Reader => _channel.Reader;

    /// <summary>Who reads it, for metrics (the hub's stream kind and a number; the history, the integrity monitor and gRPC calls name themselves).</summary>
    public string Label { get; set; } = "";

    /// <summary>
    /// Cancelled a grace period after the hub ended the subscriber, if its pump is still stuck in
    /// a write that the client's flow control holds (a client that never reads again). A client
    /// that does read again first gets what its transport buffered, then the ending status.
    /// </summary>
    public CancellationToken Ended => _ended.Token;

    /// <summary>Why the hub ended the subscriber, if it did.</summary>
    public Exception? EndReason { get; private set; }

    /// <summary>Updates dropped over the subscription's life.</summary>
    public long DroppedTotal => Interlocked.Read(ref _droppedTotal);

    /// <summary>Queues an update that passes the subscriber's filter; never blocks.</summary>
    public void Offer(T update)
    {
        if (!_accepts(update))
        {
            return;
        }

        if (Interlocked.Read(ref _dropped) > 0 && _time.GetUtcNow().UtcTicks - Interlocked.Read(ref _lastReadTicks) > _hopelessAfter.Ticks)
        {
            End(new SlowSubscriberException(
                $"subscriber read nothing for {_hopelessAfter.TotalSeconds:0} s while {Interlocked.Read(ref _dropped)} updates were dropped; ended"));
            return;
        }

        _channel.Writer.TryWrite(update);
    }

    /// <summary>Queues an update without filtering (the initial snapshot).</summary>
    public void Prime(T update) => _channel.Writer.TryWrite(update);

    /// <summary>The count dropped since the previous call; marks the subscriber as reading.</summary>
    public long TakeDropped()
    {
        Interlocked.Exchange(ref _lastReadTicks, _time.GetUtcNow().UtcTicks);
        return Interlocked.Exchange(ref _dropped, 0);
    }

    /// <summary>Ends the stream with a reason (slow subscriber, service shutting down); it leaves the hub at once.</summary>
    public void End(Exception reason)
    {
        if (_channel.Writer.TryComplete(reason))
        {
            EndReason = reason;
            Remove();
            try
            {
                _ended.CancelAfter(_hopelessAfter);
            }
            catch (ObjectDisposedException)
            {
                // The pump already finished.
            }
        }
    }

    public void Dispose()
    {
        _channel.Writer.TryComplete();
        Remove();
        _ended.Dispose();
    }

    private void Remove()
    {
        if (Interlocked.Exchange(ref _removed, 1) == 0)
        {
            _remove(this);
        }
    }
}
