using System.Globalization;
using System.Text.Json;
using BeidouHub.Receiver.Epochs;

namespace BeidouHub.Receiver.Tests.Support;

/// <summary>One JSON report of gpsd's verdict, with the epoch we were assembling at that point of the stream.</summary>
/// <param name="Line">1-based line in NAME.log.chk, for failure messages.</param>
/// <param name="Class">gpsd's report class: TPV, SKY, GST ...</param>
/// <param name="Json">The report.</param>
/// <param name="Current">A copy of the decoder's open epoch (or the one just handed out) right after the sentence gpsd reported on.</param>
/// <param name="FollowsSynthetic">
/// True when the sentence before the report is one gpsd made itself from a binary (UBX) packet:
/// not in the capture, not fed, and the report reflects binary data NMEA never carried.
/// </param>
/// <param name="After">The sentence gpsd echoed last before the report.</param>
internal sealed record GpsdReport(int Line, string Class, JsonElement Json, Epoch Current, bool FollowsSynthetic, string After)
{
    /// <summary>The report's <c>time</c>, or null.</summary>
    public DateTime? Time => Json.TryGetProperty("time", out JsonElement t)
        ? DateTime.Parse(t.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal)
        : null;

    /// <summary>A number of the report, or null when gpsd left it out (gpsd prints no NaN).</summary>
    public double? Number(string name) => Number(Json, name);

    public static double? Number(JsonElement json, string name) =>
        json.TryGetProperty(name, out JsonElement v) ? v.GetDouble() : null;
}
