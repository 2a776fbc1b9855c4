using BeidouHub.Protocol.V1;
using BeidouHub.Service.Verbs;

namespace BeidouHub.Service.Tests.Verbs;

public class WatchVerbTests
{
    [Fact]
    public void FormatReceiver_Faulted_ShowsTheStateFaultsAndError()
    {
        var s = new ReceiverStatus
        {
            Id = "gate-1",
            Source = "tcp://10.0.0.7:5017",
            State = ConnectionState.Faulted,
            Sentences = 420,
            Epochs = 60,
            Reconnects = 1,
            Faults = 2,
            LastError = "InvalidOperationException: broken",
        };

        string line = WatchVerb.FormatReceiver(s);

        Assert.Equal("gate-1       faulted            420 sentences       60 epochs 0 bad checksums 1 reconnects 2 faults tcp://10.0.0.7:5017  last error: InvalidOperationException: broken", line);
    }
}
