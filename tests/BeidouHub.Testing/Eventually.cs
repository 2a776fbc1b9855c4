namespace BeidouHub.Testing;

/// <summary>Waits for a condition of a running system, failing with a message after a generous limit (never a timing assertion).</summary>
public static class Eventually
{
    public static Task True(Func<bool> condition, string what, double seconds = 30) =>
        True(() => Task.FromResult(condition()), what, seconds);

    /// <summary>For a condition that has to ask (a browser page, a server).</summary>
    public static async Task True(Func<Task<bool>> condition, string what, double seconds = 30)
    {
        var limit = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition().ConfigureAwait(false))
        {
            if (DateTime.UtcNow > limit)
            {
                Assert.Fail($"timed out after {seconds} s waiting for: {what}");
            }

            await Task.Delay(10).ConfigureAwait(false);
        }
    }
}
