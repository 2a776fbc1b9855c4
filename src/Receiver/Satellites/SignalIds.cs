namespace BeidouHub.Receiver.Satellites;

/// <summary>
/// The raw GSV signal id as it is written on the wire (one hex digit, NMEA 4.10+), for the
/// edges that print it. Kept raw because vendors disagree on the meanings (GNSS-FACTS §1.7).
/// </summary>
public static class SignalIds
{
    private static readonly string[] Hex = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "A", "B", "C", "D", "E", "F"];

    /// <summary>The hex digit of a signal id 0-15 (cached strings, no allocation).</summary>
    public static string ToHex(byte signal) => Hex[signal & 0xF];
}
