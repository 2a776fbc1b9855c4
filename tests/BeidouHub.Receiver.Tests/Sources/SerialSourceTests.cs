using System.Text;
using BeidouHub.Receiver.Sources;
using BeidouHub.Receiver.Tests.Support;

namespace BeidouHub.Receiver.Tests.Sources;

public class SerialSourceTests
{
    [SkippableFact]
    public async Task OpenAsync_PseudoTerminalSlave_ReadsWhatMasterWrites()
    {
        Skip.IfNot(PseudoTerminal.IsSupported, "pseudo-terminals need Linux");
        using var pty = PseudoTerminal.Open();
        var source = new SerialSource((SerialSourceOptions)SourceOptions.Parse($"serial://{pty.SlavePath}?baud=115200"));

        await using Stream stream = await source.OpenAsync(CancellationToken.None);
        byte[] sent = Encoding.ASCII.GetBytes(ExampleLines.F9rGga + "\r\n");
        pty.Write(sent);
        byte[] got = new byte[sent.Length];
        int n = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (n < got.Length)
        {
            n += await stream.ReadAsync(got.AsMemory(n), timeout.Token);
        }

        Assert.Equal(sent, got);
    }
}
