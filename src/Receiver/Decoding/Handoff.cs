namespace BeidouHub.Receiver.Decoding;

/// <summary>
/// Items handed from one thread to another, in order, for the stages of a decode (blocks of
/// framed lines, batches of epochs). A taker with nothing to take sleeps at once instead of
/// spinning first as <see cref="System.Collections.Concurrent.BlockingCollection{T}"/> does: a
/// decode runs three threads on a two-core box, and a spinning waiter takes the core from the
/// thread it waits for (bench/README, "Deployment"). Hand-overs are a few hundred per decode, so
/// the cost of a sleep and a wake-up each is nothing against that.
/// </summary>
public sealed class Handoff<T>
{
    private readonly Queue<T> _items = new();
    // Monitor.Wait and Pulse need a monitor, not a System.Threading.Lock.
    private readonly object _lock = new();
    private bool _completed;

    /// <summary>Adds an item; never waits (the number in flight is bounded by whoever creates them).</summary>
    public void Add(T item)
    {
        lock (_lock)
        {
            if (_completed)
            {
                throw new InvalidOperationException("nothing can be added after Complete");
            }

            _items.Enqueue(item);
            Monitor.Pulse(_lock);
        }
    }

    /// <summary>
    /// The oldest item; waits for one. False when <see cref="Complete"/> was called and every item
    /// was taken. Throws <see cref="OperationCanceledException"/> when
    /// <paramref name="cancellationToken"/> is cancelled, before or while it waits.
    /// </summary>
    public bool TryTake(out T item, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using CancellationTokenRegistration wake = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static s => ((Handoff<T>)s!).WakeAll(), this)
            : default;
        lock (_lock)
        {
            while (_items.Count == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (_completed)
                {
                    item = default!;
                    return false;
                }

                Monitor.Wait(_lock);
            }

            item = _items.Dequeue();
            return true;
        }
    }

    /// <summary>
    /// The oldest item, waiting for one, from a hand-over that is not completed while it is used
    /// this way: throws <see cref="InvalidOperationException"/> when it was completed and is empty,
    /// <see cref="OperationCanceledException"/> as <see cref="TryTake"/> does.
    /// </summary>
    public T Take(CancellationToken cancellationToken = default) =>
        TryTake(out T item, cancellationToken) ? item : throw new InvalidOperationException("the hand-over is complete: no item will come");

    /// <summary>No more items will be added: a taker that finds none returns false instead of waiting.</summary>
    public void Complete()
    {
        lock (_lock)
        {
            _completed = true;
            Monitor.PulseAll(_lock);
        }
    }

    private void WakeAll()
    {
        lock (_lock)
        {
            Monitor.PulseAll(_lock);
        }
    }
}
