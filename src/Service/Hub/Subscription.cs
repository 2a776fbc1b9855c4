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
    private int _disposed;

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
    }

    public ChannelReader<T> Reader => _channel.Reader;

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
            _channel.Writer.TryComplete(new SlowSubscriberException(
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

    /// <summary>Ends the stream (service shutting down).</summary>
    public void Complete(Exception? error = null) => _channel.Writer.TryComplete(error);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _channel.Writer.TryComplete();
            _remove(this);
        }
    }
}
