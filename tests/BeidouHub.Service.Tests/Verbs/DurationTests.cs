using BeidouHub.Service.Verbs;

namespace BeidouHub.Service.Tests.Verbs;

public class DurationTests
{
    [Theory]
    [InlineData("90s", 90_000)]
    [InlineData("10m", 600_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("2m30s", 150_000)]
    [InlineData("1h0m5s", 3_605_000)]
    [InlineData("500ms", 500)]
    [InlineData("1s250ms", 1_250)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData("0.25s", 250)]
    [InlineData("300s", 300_000)]
    [InlineData("00:10:00", 600_000)]
    [InlineData("01:30:00", 5_400_000)]
    [InlineData("00:00:01.5", 1_500)]
    [InlineData("1.00:00:00", 86_400_000)]
    [InlineData("0s", 0)]
    public void TryParse_EachForm_Milliseconds(string text, long milliseconds)
    {
        Assert.True(Duration.TryParse(text, out TimeSpan duration), text);

        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10")] // no unit: seconds or minutes?
    [InlineData("10:00")] // .NET would read ten hours
    [InlineData("s")]
    [InlineData("10x")]
    [InlineData("30s1m")] // largest first
    [InlineData("1m1m")]
    [InlineData("500ms1s")]
    [InlineData("-5s")]
    [InlineData("1 h")]
    [InlineData("1h ")]
    [InlineData("1.2.3s")]
    [InlineData("-00:10:00")]
    [InlineData("99999999999h")]
    public void TryParse_NotADuration_False(string text)
    {
        Assert.False(Duration.TryParse(text, out _), text);
    }

    [Theory]
    [InlineData(90_000, "1m30s")]
    [InlineData(86_400_000, "24h")]
    [InlineData(5_400_500, "1h30m500ms")]
    [InlineData(0, "0s")]
    public void Format_Duration_ShortestFormThatReadsBack(long milliseconds, string text)
    {
        TimeSpan duration = TimeSpan.FromMilliseconds(milliseconds);

        Assert.Equal(text, Duration.Format(duration));
        Assert.True(Duration.TryParse(text, out TimeSpan back));
        Assert.Equal(duration, back);
    }
}
