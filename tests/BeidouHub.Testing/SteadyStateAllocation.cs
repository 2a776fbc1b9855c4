namespace BeidouHub.Testing;

/// <summary>
/// Bytes the calling thread allocates in one round of a hot path once the runtime has settled,
/// for the allocation tests of every test project (the Geo tests link this file): two rounds and
/// a pause first (tier-1 compilation of what the rounds run happens in the background after a
/// 100 ms call-counting delay), then the least of three measured rounds. The runtime's one-time
/// work around tiering can allocate on the calling thread: a full parallel suite run once saw
/// 7,792 B in the single measured round of the receiver's typed-read test, which no run of the
/// test alone reproduced. Anything a hot path allocates per item shows in every round (each is
/// thousands of items), so the least hides nothing of that.
/// </summary>
public static class SteadyStateAllocation
{
    public static long PerRound(Action round)
    {
        round();
        Thread.Sleep(250);
        round();
        long least = long.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            round();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return least;
    }
}
