using BeidouHub.Receiver.Nmea;
using BeidouHub.Receiver.Tests.Support;

namespace BeidouHub.Receiver.Tests.Nmea;

public class NmeaSentenceTests
{
    [Fact]
    public void TryParse_ValidChecksum_AcceptedWithChecksumFlag()
    {
        bool ok = NmeaSentence.TryParse(TestNmea.Bytes(ExampleLines.F9rGga), out NmeaSentence s, out NmeaError error);

        Assert.True(ok);
        Assert.Equal(NmeaError.None, error);
        Assert.True(s.HasChecksum);
        Assert.Equal(Talker.Gn, s.Talker);
        Assert.Equal(SentenceType.Gga, s.Type);
        Assert.False(s.IsEncapsulated);
    }

    [Theory]
    [InlineData("$GNGGA,231408.00,4503.94632,N,00739.54368,E,5,12,0.82,257.4,M,47.2,M,0.0,0041*65")] // last hex digit off by one
    [InlineData("$GNGGA,231408.00,4503.94632,N,00739.54368,E,5,12,0.82,257.4,M,47.2,M,0.0,0042*64")] // one payload digit changed
    public void TryParse_ChecksumMismatch_RejectedAsMismatch(string line)
    {
        bool ok = NmeaSentence.TryParse(TestNmea.Bytes(line), out _, out NmeaError error);

        Assert.False(ok);
        Assert.Equal(NmeaError.ChecksumMismatch, error);
    }

    [Theory]
    [InlineData("$GPTXT,01,01,01,ANTENNA OK*3")]
    [InlineData("$GPTXT,01,01,01,ANTENNA OK*355")]
    [InlineData("$GPTXT,01,01,01,ANTENNA OK*G5")]
    [InlineData("$GPTXT,01,01,01,ANTENNA OK*")]
    [InlineData("$GPTXT,01,01,01,ANTENNA OK*3 5")]
    public void TryParse_BadChecksumFormat_RejectedAsBadFormat(string line)
    {
        bool ok = NmeaSentence.TryParse(TestNmea.Bytes(line), out _, out NmeaError error);

        Assert.False(ok);
        Assert.Equal(NmeaError.BadChecksumFormat, error);
    }

    [Fact]
    public void TryParse_LowerCaseHexChecksum_Accepted()
    {
        // $GPGGA,...*6d: the RTK line's checksum 6D written in lower case.
        string line = ExampleLines.RtkGga[..^2] + "6d";

        bool ok = NmeaSentence.TryParse(TestNmea.Bytes(line), out NmeaSentence s, out _);

        Assert.True(ok);
        Assert.True(s.HasChecksum);
    }

    [Fact]
    public void TryParse_MissingChecksum_AcceptedByDefault()
    {
        string line = ExampleLines.L76kTxt[..ExampleLines.L76kTxt.IndexOf('*', StringComparison.Ordinal)];

        bool ok = NmeaSentence.TryParse(TestNmea.Bytes(line), out NmeaSentence s, out NmeaError error);

        Assert.True(ok);
        Assert.Equal(NmeaError.None, error);
        Assert.False(s.HasChecksum);
        Assert.Equal(SentenceType.Txt, s.Type);
        Assert.Equal("ANTENNA OK", TestNmea.Text(s.Field(4)));
    }

    [Fact]
    public void TryParse_MissingChecksumWhenRequired_RejectedAsMissingChecksum()
    {
        string line = ExampleLines.L76kTxt[..ExampleLines.L76kTxt.IndexOf('*', StringComparison.Ordinal)];

        bool ok = NmeaSentence.TryParse(TestNmea.Bytes(line), out _, out NmeaError error, requireChecksum: true);

        Assert.False(ok);
        Assert.Equal(NmeaError.MissingChecksum, error);
    }

    [Fact]
    public void TryParse_ChecksumPresentWhenRequired_Accepted()
    {
        Assert.True(NmeaSentence.TryParse(TestNmea.Bytes(ExampleLines.L76kTxt), out _, out _, requireChecksum: true));
    }

    [Theory]
    [InlineData("GPGGA", Talker.Gp, SentenceType.Gga)]
    [InlineData("GLGSV", Talker.Gl, SentenceType.Gsv)]
    [InlineData("GAGSA", Talker.Ga, SentenceType.Gsa)]
    [InlineData("GBGSV", Talker.Gb, SentenceType.Gsv)]
    [InlineData("BDGSA", Talker.Bd, SentenceType.Gsa)]
    [InlineData("GQGSV", Talker.Gq, SentenceType.Gsv)]
    [InlineData("QZGSV", Talker.Qz, SentenceType.Gsv)]
    [InlineData("GIGSA", Talker.Gi, SentenceType.Gsa)]
    [InlineData("GNRMC", Talker.Gn, SentenceType.Rmc)]
    [InlineData("GNGLL", Talker.Gn, SentenceType.Gll)]
    [InlineData("GNVTG", Talker.Gn, SentenceType.Vtg)]
    [InlineData("GNGST", Talker.Gn, SentenceType.Gst)]
    [InlineData("GNGNS", Talker.Gn, SentenceType.Gns)]
    [InlineData("GNZDA", Talker.Gn, SentenceType.Zda)]
    [InlineData("GPTXT", Talker.Gp, SentenceType.Txt)]
    [InlineData("GNGBS", Talker.Gn, SentenceType.Gbs)]
    [InlineData("IIHDG", Talker.Other, SentenceType.Unknown)]
    [InlineData("GPGG", Talker.Other, SentenceType.Unknown)] // a talker address has 5 characters (NMEA 0183 §5.3)
    [InlineData("BDSGGA", Talker.Other, SentenceType.Unknown)] // old Unicore's sixth letter
    [InlineData("HCGGA", Talker.Other, SentenceType.Gga)]
    [InlineData("GPXXX", Talker.Gp, SentenceType.Unknown)]
    [InlineData("PQGSV", Talker.Pq, SentenceType.Gsv)]
    [InlineData("PQGSA", Talker.Pq, SentenceType.Gsa)]
    [InlineData("PQGGA", Talker.Proprietary, SentenceType.Unknown)]
    [InlineData("PUBX", Talker.Proprietary, SentenceType.Unknown)]
    [InlineData("PQTMVER", Talker.Proprietary, SentenceType.Unknown)]
    [InlineData("PSTI", Talker.Proprietary, SentenceType.Unknown)]
    [InlineData("PDTINFO", Talker.Proprietary, SentenceType.Unknown)]
    public void TryParse_Address_ClassifiesTalkerAndType(string address, Talker talker, SentenceType type)
    {
        NmeaSentence s = TestNmea.Parse(TestNmea.WithChecksum(address + ",1,2"));

        Assert.Equal(talker, s.Talker);
        Assert.Equal(type, s.Type);
        Assert.Equal(address, TestNmea.Text(s.Address));
    }

    [Theory]
    [InlineData(ExampleLines.QuectelPqtmVer, "PQTMVER")]
    [InlineData(ExampleLines.QuectelPqtmEpe, "PQTMEPE")]
    [InlineData(ExampleLines.UbloxPubx00, "PUBX")]
    [InlineData(ExampleLines.SkytraqPsti, "PSTI")]
    [InlineData(ExampleLines.Um621DtInfo, "PDTINFO")]
    public void TryParse_RealProprietarySentence_ProprietaryAndUnknownType(string line, string address)
    {
        NmeaSentence s = TestNmea.Parse(line);

        Assert.Equal(Talker.Proprietary, s.Talker);
        Assert.Equal(SentenceType.Unknown, s.Type);
        Assert.Equal(address, TestNmea.Text(s.Address));
    }

    [Fact]
    public void TryParse_QuectelJammingStatus_ProprietaryAndUnknownType()
    {
        bool ok = NmeaSentence.TryParse(TestNmea.Bytes(ExampleLines.QuectelPqtmJamming), out NmeaSentence s, out NmeaError error);

        Assert.True(ok, error.ToString());
        Assert.Equal(Talker.Proprietary, s.Talker);
        Assert.Equal("PQTMJAMMINGSTATUS", TestNmea.Text(s.Address));
    }

    [Fact]
    public void TryParse_QuectelPqGsv_PqTalkerAndGsvType()
    {
        NmeaSentence s = TestNmea.Parse(ExampleLines.QuectelPqGsv);

        Assert.Equal(Talker.Pq, s.Talker);
        Assert.Equal(SentenceType.Gsv, s.Type);
        Assert.Equal(21, s.FieldCount);
    }

    [Fact]
    public void TryParse_AisEncapsulated_EncapsulatedWithUnknownType()
    {
        NmeaSentence s = TestNmea.Parse(ExampleLines.ClassicAivdm);

        Assert.True(s.IsEncapsulated);
        Assert.Equal(SentenceType.Unknown, s.Type);
        Assert.Equal(Talker.Other, s.Talker);
        Assert.Equal("AIVDM", TestNmea.Text(s.Address));
        Assert.Equal("177KQJ5000G?tO`K>RA1wUbN0TKH", TestNmea.Text(s.Field(5)));
    }

    [Fact]
    public void TryParse_EncapsulatedWithKnownFormatter_TypeStaysUnknown()
    {
        NmeaSentence s = TestNmea.Parse(TestNmea.WithChecksum("GPGGA,1", '!'));

        Assert.True(s.IsEncapsulated);
        Assert.Equal(SentenceType.Unknown, s.Type);
    }

    [Theory]
    [InlineData("$GPTXT,01,01,01,ANT\u0001ENNA OK")]
    [InlineData("$GPTXT,01,01,01,ANT\u00E9NNA OK")]
    [InlineData("$GPTXT,01,01,01,ANT\u007FNNA OK")]
    [InlineData("$GPTXT,01,01,01,ANT$NNA OK")]
    [InlineData("$GPTXT,01,01,01,ANT!NNA OK")]
    [InlineData("$GPTXT,01,01,01,ANT\tNNA OK")]
    public void TryParse_InvalidCharacter_RejectedAsInvalidCharacter(string line)
    {
        bool ok = NmeaSentence.TryParse(TestNmea.Bytes(line), out _, out NmeaError error);

        Assert.False(ok);
        Assert.Equal(NmeaError.InvalidCharacter, error);
    }

    [Fact]
    public void TryParse_BadByteThenCommasPastTheFieldLimit_RejectedAsInvalidCharacter()
    {
        // 46 fields, a control byte, then commas that would be fields 47 to 50: the line is bad at
        // the control byte, before it holds too many fields (the commas share its 32-byte block).
        string line = "$GPXXX" + string.Concat(Enumerable.Repeat(",1", 46)) + "\u0001,,,,";

        bool ok = NmeaSentence.TryParse(TestNmea.Bytes(line), out _, out NmeaError error);

        Assert.False(ok);
        Assert.Equal(NmeaError.InvalidCharacter, error);
    }

    [Theory]
    [InlineData("GPGGA,1")]
    [InlineData("")]
    [InlineData("G")]
    public void TryParse_NoStartCharacter_RejectedAsNoStart(string line)
    {
        bool ok = NmeaSentence.TryParse(TestNmea.Bytes(line), out _, out NmeaError error);

        Assert.False(ok);
        Assert.Equal(NmeaError.NoStart, error);
    }

    [Theory]
    [InlineData("gpgga,1")]
    [InlineData("GP-GA,1")]
    [InlineData(",1,2")]
    [InlineData("G,1")]
    public void TryParse_BadAddress_RejectedAsBadAddress(string body)
    {
        bool ok = NmeaSentence.TryParse(TestNmea.Bytes(TestNmea.WithChecksum(body)), out _, out NmeaError error);

        Assert.False(ok);
        Assert.Equal(NmeaError.BadAddress, error);
    }

    [Fact]
    public void Field_ByIndex_ReadsFieldsAndPastTheEndAsEmpty()
    {
        NmeaSentence s = TestNmea.Parse(ExampleLines.F9rGbs);

        Assert.Equal(10, s.FieldCount);
        Assert.Equal("GNGBS", TestNmea.Text(s.Field(0)));
        Assert.Equal("231408.00", TestNmea.Text(s.Field(1)));
        Assert.Equal("0.0", TestNmea.Text(s.Field(2)));
        Assert.Equal("0.1", TestNmea.Text(s.Field(4)));
        Assert.True(s.Field(5).IsEmpty);
        Assert.True(s.Field(10).IsEmpty);
        Assert.True(s.Field(11).IsEmpty);
        Assert.True(s.Field(100).IsEmpty);
        Assert.True(s.Field(-1).IsEmpty);
    }

    [Fact]
    public void Field_LastField_EndsBeforeChecksum()
    {
        NmeaSentence s = TestNmea.Parse(ExampleLines.F9rGga);

        Assert.Equal(14, s.FieldCount);
        Assert.Equal("0041", TestNmea.Text(s.Field(14)));
    }

    [Fact]
    public void TryParse_TrailingLineEndAndSpaces_Ignored()
    {
        NmeaSentence s = TestNmea.Parse(ExampleLines.L76kZda + " \r\n");

        Assert.Equal(SentenceType.Zda, s.Type);
        Assert.Equal("00", TestNmea.Text(s.Field(6)));
    }

    [Fact]
    public void TryParse_MaxFieldsIncludingAddress_AcceptedOneMoreRejected()
    {
        // MaxFields counts the address too: the address plus MaxFields - 1 data fields fit.
        string fits = TestNmea.WithChecksum("GPXXX" + string.Concat(Enumerable.Repeat(",1", NmeaSentence.MaxFields - 1)));
        string tooMany = TestNmea.WithChecksum("GPXXX" + string.Concat(Enumerable.Repeat(",1", NmeaSentence.MaxFields)));

        NmeaSentence s = TestNmea.Parse(fits);
        bool ok = NmeaSentence.TryParse(TestNmea.Bytes(tooMany), out _, out NmeaError error);

        Assert.Equal(NmeaSentence.MaxFields - 1, s.FieldCount);
        Assert.Equal("1", TestNmea.Text(s.Field(NmeaSentence.MaxFields - 1)));
        Assert.False(ok);
        Assert.Equal(NmeaError.TooManyFields, error);
    }

    [Fact]
    public void TryParse_EveryCorpusLineButJamming_Accepted()
    {
        foreach (string line in ExampleLines.All.Where(l => l != ExampleLines.QuectelPqtmJamming))
        {
            Assert.True(NmeaSentence.TryParse(TestNmea.Bytes(line), out NmeaSentence s, out NmeaError error), $"{error}: {line}");
            Assert.True(s.HasChecksum);
        }
    }
}
