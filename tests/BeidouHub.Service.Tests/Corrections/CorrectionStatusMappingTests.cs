using BeidouHub.Receiver.Corrections;
using BeidouHub.Service.Api;
using ProtoCasterState = BeidouHub.Protocol.V1.CasterState;

namespace BeidouHub.Service.Tests.Corrections;

public class CorrectionStatusMappingTests
{
    [Theory]
    [InlineData(CasterState.Idle, ProtoCasterState.Unspecified)]
    [InlineData(CasterState.WaitingForPosition, ProtoCasterState.WaitingForPosition)]
    [InlineData(CasterState.Connecting, ProtoCasterState.Connecting)]
    [InlineData(CasterState.Streaming, ProtoCasterState.Streaming)]
    [InlineData(CasterState.Disconnected, ProtoCasterState.Disconnected)]
    [InlineData(CasterState.Unauthorized, ProtoCasterState.Unauthorized)]
    [InlineData(CasterState.MountpointMissing, ProtoCasterState.MountpointMissing)]
    [InlineData(CasterState.Stopped, ProtoCasterState.Stopped)]
    public void ToProto_NtripStatus_EveryStateAndCounter(CasterState state, ProtoCasterState expected)
    {
        var since = new DateTimeOffset(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);
        var s = new NtripStatus
        {
            Name = "truck-1",
            Source = "ntrip://127.0.0.1:2101/M",
            State = state,
            StateSince = since,
            Bytes = 1,
            Frames = 2,
            BadFrames = 3,
            SkippedBytes = 4,
            MessageTypes = new Dictionary<int, long> { [1124] = 5, [1005] = 6 },
            CorrectionAge = TimeSpan.FromMilliseconds(1500),
            BytesForwarded = 7,
            FramesUndelivered = 8,
            GgaSent = 9,
            Connections = 10,
            LastError = state == CasterState.Unauthorized ? "refused" : null,
        };

        Protocol.V1.CorrectionStatus c = ProtoMapping.ToProto(s);

        Assert.Equal(expected, c.State);
        Assert.Equal("ntrip://127.0.0.1:2101/M", c.Source);
        Assert.Equal(since, c.StateSince.ToDateTimeOffset());
        Assert.Equal(new ulong[] { 1, 2, 3, 4, 7, 8, 9, 10 }, new[] { c.Bytes, c.Frames, c.BadFrames, c.SkippedBytes, c.BytesForwarded, c.FramesUndelivered, c.GgaSent, c.Connections });
        Assert.Equal(5ul, c.MessageTypes[1124]);
        Assert.Equal(6ul, c.MessageTypes[1005]);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), c.CorrectionAge.ToTimeSpan());
        Assert.Equal(state == CasterState.Unauthorized ? "refused" : "", c.LastError);
    }

    [Fact]
    public void FormatReceiver_WithCorrections_ShowsCasterStateFramesAndAge()
    {
        var s = new Protocol.V1.ReceiverStatus { Id = "truck-1", Source = "tcp://10.0.0.1:4001", State = Protocol.V1.ConnectionState.Connected };
        Assert.DoesNotContain("rtcm", Service.Verbs.WatchVerb.FormatReceiver(s), StringComparison.Ordinal);

        s.Corrections = new Protocol.V1.CorrectionStatus { State = ProtoCasterState.Streaming, Frames = 160, BadFrames = 2, CorrectionAge = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromMilliseconds(400)) };

        Assert.Contains(" rtcm streaming 160 frames 2 bad age 0.4s tcp://10.0.0.1:4001", Service.Verbs.WatchVerb.FormatReceiver(s), StringComparison.Ordinal);
    }

    [Fact]
    public void ToProto_NoFrameYet_NoCorrectionAge()
    {
        var s = new NtripStatus { Name = "a", Source = "s", State = CasterState.WaitingForPosition, StateSince = DateTimeOffset.UnixEpoch, MessageTypes = new Dictionary<int, long>() };

        Assert.Null(ProtoMapping.ToProto(s).CorrectionAge);
    }
}
