using BeidouHub.Receiver.Nmea.Sentences;
using BeidouHub.Receiver.Tests.Support;

namespace BeidouHub.Receiver.Tests.Nmea.Sentences;

public class TxtTests
{
    [Fact]
    public void TryRead_L76kAntennaOk_ReadsText()
    {
        Assert.True(Txt.TryRead(TestNmea.Parse(ExampleLines.L76kTxt), out Txt txt));

        Assert.Equal(1, txt.Total);
        Assert.Equal(1, txt.Number);
        Assert.Equal(1, txt.Identifier);
        Assert.Equal("ANTENNA OK", TestNmea.Text(txt.Text));
    }

    [Fact]
    public void TryRead_UbloxBootBanner_ReadsTextWithPunctuation()
    {
        Assert.True(Txt.TryRead(TestNmea.Parse(ExampleLines.UbloxTxt), out Txt txt));

        Assert.Equal(2, txt.Identifier);
        Assert.Equal("ROM BASE 2.01 (75331) Oct 29 2013 13:28:17", TestNmea.Text(txt.Text));
    }

    [Fact]
    public void TryRead_NotATxt_ReturnsFalse()
    {
        Assert.False(Txt.TryRead(TestNmea.Parse(ExampleLines.F9rZda), out _));
    }

    [Theory]
    [InlineData("GPTXT,0x,01,01,ANTENNA OK")]
    [InlineData("GPTXT,01,0x,01,ANTENNA OK")]
    [InlineData("GPTXT,01,01,0x,ANTENNA OK")]
    public void TryRead_NumberNotNumeric_ReturnsFalse(string body)
    {
        Assert.False(Txt.TryRead(TestNmea.Parse(TestNmea.WithChecksum(body)), out _));
    }
}
