namespace BeidouHub.Receiver.Tests.Support;

/// <summary>Waits for a condition of a running system, failing with a message after a generous limit (never a timing assertion).</summary>
internal static class Eventually
{
    public static async Task True(Func<bool> condition, string what, double seconds = 20)
    {
        var limit = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > limit)
            {
                Assert.Fail($"timed out after {seconds} s waiting for: {what}");
            }

            await Task.Delay(10);
        }
    }
}
