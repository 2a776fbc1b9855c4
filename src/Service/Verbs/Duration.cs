using System.Globalization;

namespace BeidouHub.Service.Verbs;

/// <summary>
/// The one duration syntax of every verb: units largest first, each at most once, decimals allowed
/// (<c>90s</c>, <c>10m</c>, <c>1h30m</c>, <c>1.5h</c>, <c>250ms</c>, <c>2m30s500ms</c>), or a
/// clock <c>[d.]hh:mm:ss[.fffffff]</c> as .NET and appsettings.json write it (<c>00:10:00</c>). A bare
/// number is refused: <c>10</c> could mean seconds or minutes, and a wrong guess records for an hour.
/// </summary>
internal static class Duration
{
    public const string Expected = "a duration such as 90s, 10m, 1h30m, 500ms or 00:10:00";

    // Matched in this order ("ms" before "m": 500ms is not 500 minutes and an "s"); Rank is the
    // order they must come in, largest first.
    private static readonly (string Unit, int Rank, long Ticks)[] Units =
    [
        ("h", 0, TimeSpan.TicksPerHour),
        ("ms", 3, TimeSpan.TicksPerMillisecond),
        ("m", 1, TimeSpan.TicksPerMinute),
        ("s", 2, TimeSpan.TicksPerSecond),
    ];

    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        if (text.Contains(':', StringComparison.Ordinal))
        {
            // "c" alone would read 10:00 as ten hours; ask for hh:mm:ss.
            return text.AsSpan().Count(':') == 2
                && TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out duration)
                && duration >= TimeSpan.Zero;
        }

        ReadOnlySpan<char> rest = text;
        double ticks = 0;
        int lastRank = -1;
        while (!rest.IsEmpty)
        {
            int digits = 0;
            while (digits < rest.Length && (char.IsAsciiDigit(rest[digits]) || rest[digits] == '.'))
            {
                digits++;
            }

            if (digits == 0 || !double.TryParse(rest[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double number))
            {
                return false;
            }

            rest = rest[digits..];
            int unit = -1;
            for (int i = 0; i < Units.Length; i++)
            {
                if (rest.StartsWith(Units[i].Unit, StringComparison.Ordinal))
                {
                    unit = i;
                    break;
                }
            }

            if (unit < 0 || Units[unit].Rank <= lastRank)
            {
                return false;
            }

            lastRank = Units[unit].Rank;
            rest = rest[Units[unit].Unit.Length..];
            ticks += number * Units[unit].Ticks;
        }

        if (ticks >= TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        duration = TimeSpan.FromTicks((long)Math.Round(ticks));
        return true;
    }

    /// <summary>The shortest form in the same syntax: 1h30m, 90s is 1m30s, 500ms.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero)
        {
            return "0s";
        }

        var parts = new System.Text.StringBuilder();
        long hours = (long)duration.TotalHours;
        if (hours > 0)
        {
            parts.Append(CultureInfo.InvariantCulture, $"{hours}h");
        }

        if (duration.Minutes > 0)
        {
            parts.Append(CultureInfo.InvariantCulture, $"{duration.Minutes}m");
        }

        if (duration.Seconds > 0)
        {
            parts.Append(CultureInfo.InvariantCulture, $"{duration.Seconds}s");
        }

        if (duration.Milliseconds > 0)
        {
            parts.Append(CultureInfo.InvariantCulture, $"{duration.Milliseconds}ms");
        }

        return parts.ToString();
    }
}
