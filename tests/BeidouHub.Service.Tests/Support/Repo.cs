namespace BeidouHub.Service.Tests.Support;

internal static class Repo
{
    public static string Root
    {
        get
        {
            for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
            {
                if (File.Exists(Path.Combine(d.FullName, "BeidouHub.sln")))
                {
                    return d.FullName;
                }
            }

            throw new InvalidOperationException("BeidouHub.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static string Seed(string name) => Path.Combine(Root, "seeds", name);

    /// <summary>Waits for a condition of the running service; fails with the message after a generous limit.</summary>
    public static async Task Eventually(Func<bool> condition, string what, double seconds = 30)
    {
        DateTime limit = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > limit)
            {
                Assert.Fail($"timed out after {seconds} s waiting for: {what}");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>An NMEA sentence with its checksum.</summary>
    public static string Line(string body)
    {
        byte x = 0;
        foreach (char c in body)
        {
            x ^= (byte)c;
        }

        return $"${body}*{x:X2}\r\n";
    }
}
