namespace BeidouHub.Testing;

/// <summary>Waits for a condition of a running system, failing with a message after a generous limit (never a timing assertion).</summary>
public static class Eventually
{
    public static async Task True(Func<bool> condition, string what, double seconds = 30)
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
