using Microsoft.Extensions.Time.Testing;

namespace BeidouHub.Testing;

/// <summary>Moving a <see cref="FakeTimeProvider"/> so that what it releases has run when the call returns.</summary>
public static class FakeClock
{
    /// <summary>
    /// Advances the clock with no synchronization context: the timers it fires (a
    /// <c>Task.Delay(d, time)</c>) complete their tasks inside the call, and the awaiting code after
    /// them runs there too, where under xunit's context it would be sent to the thread pool. A
    /// read still pending afterwards is one the clock has not released.
    /// </summary>
    public static void AdvanceInline(this FakeTimeProvider time, TimeSpan by)
    {
        SynchronizationContext? context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            time.Advance(by);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }
}
