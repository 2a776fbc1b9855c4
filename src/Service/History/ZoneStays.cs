using BeidouHub.Store;

namespace BeidouHub.Service.History;

/// <summary>A receiver's stay in a zone within a period: from its Enter (or the period's start) to its Exit (null: still inside at the end).</summary>
internal sealed record ZoneStay(string Receiver, string Zone, DateTime Entered, DateTime? Exited, bool InsideAtStart);

/// <summary>Who was inside a zone when, from its stored Enter and Exit events (Dwell events add nothing).</summary>
internal static class ZoneStays
{
    /// <param name="before">Each receiver's last Enter or Exit before <paramref name="since"/>.</param>
    /// <param name="events">The zone's events in [since, until), oldest first.</param>
    /// <param name="since">Start of the period.</param>
    /// <returns>The stays, by time entered, then receiver.</returns>
    public static List<ZoneStay> From(IEnumerable<ZoneEventRecord> before, IEnumerable<ZoneEventRecord> events, DateTime since)
    {
        const int Enter = 0, Exit = 1;
        var inside = new Dictionary<string, (string Zone, DateTime Entered, bool AtStart)>(StringComparer.Ordinal);
        var stays = new List<ZoneStay>();
        foreach (ZoneEventRecord e in before)
        {
            if (e.Kind == Enter)
            {
                inside[e.Receiver] = (e.Zone, since, true);
            }
        }

        foreach (ZoneEventRecord e in events)
        {
            if (e.Kind == Enter)
            {
                inside.TryAdd(e.Receiver, (e.Zone, e.Time, false));
            }
            else if (e.Kind == Exit && inside.Remove(e.Receiver, out (string Zone, DateTime Entered, bool AtStart) stay))
            {
                stays.Add(new ZoneStay(e.Receiver, stay.Zone, stay.Entered, e.Time, stay.AtStart));
            }
        }

        foreach ((string receiver, (string zone, DateTime entered, bool atStart)) in inside)
        {
            stays.Add(new ZoneStay(receiver, zone, entered, null, atStart));
        }

        stays.Sort((a, b) => a.Entered != b.Entered ? a.Entered.CompareTo(b.Entered) : string.CompareOrdinal(a.Receiver, b.Receiver));
        return stays;
    }
}
