using System.Net.Security;
using System.Security.Authentication;
using System.Text;
using BeidouHub.Receiver.Corrections;
using BeidouHub.Service.Corrections;

namespace BeidouHub.Service.Tests.Corrections;

/// <summary>
/// <c>CaFile</c> of a mountpoint (and <c>ntrip list --ca</c>): a caster over real TLS whose
/// certificate chains to the file is taken, one from another CA is not. The caster is written in the
/// test (<see cref="TinyCaster"/>): str2str has no TLS.
/// </summary>
public sealed class CaFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("beidouhub-ca-").FullName;

    [Fact]
    public async Task FetchAsync_CasterCertificateFromTheCaFile_ReadsTheTableOverTls()
    {
        using var caster = new TinyCaster(tls: true);
        string ca = Path.Combine(_dir, "ca.pem");
        await File.WriteAllTextAsync(ca, caster.Certificate!.ExportCertificatePem());
        Assert.True(CorrectionsSetup.TryLoadCa(ca, out RemoteCertificateValidationCallback? validation, out string? error), error);
        byte[] table = Encoding.ASCII.GetBytes("STR;ZHUZ00CHN0;Zhuzhou;RTCM 3.3;1005(10);2;GPS+BDS;Park;CHN;27.83;113.13;1;0;x;none;B;N;9600;\r\nENDSOURCETABLE\r\n");
        using var stop = new CancellationTokenSource();
        Task serving = caster.ServeOneAsync($"HTTP/1.1 200 OK\r\nNtrip-Version: Ntrip/2.0\r\nContent-Type: gnss/sourcetable\r\nContent-Length: {table.Length}\r\n\r\n", [table], stop.Token);
        Assert.True(NtripEndpoint.TryParse($"https://127.0.0.1:{caster.Port}", out NtripEndpoint? endpoint, out _));

        NtripSourceTable read = await NtripSourceTable.FetchAsync(endpoint!, null, null, NtripVersion.V2, TimeSpan.FromSeconds(10), validation, CancellationToken.None);

        Assert.Equal("ZHUZ00CHN0", Assert.Single(read.Mountpoints).Mountpoint);
        await stop.CancelAsync();
        await serving;
        Assert.StartsWith("GET / HTTP/1.1\r\n", Assert.Single(caster.Requests), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchAsync_CasterCertificateFromAnotherCa_IsRefused()
    {
        using var caster = new TinyCaster(tls: true);
        using var other = new TinyCaster(tls: true);
        string ca = Path.Combine(_dir, "other.pem");
        await File.WriteAllTextAsync(ca, other.Certificate!.ExportCertificatePem());
        Assert.True(CorrectionsSetup.TryLoadCa(ca, out RemoteCertificateValidationCallback? validation, out string? error), error);
        using var stop = new CancellationTokenSource();
        Task serving = caster.ServeOneAsync("HTTP/1.1 200 OK\r\n\r\n", [], stop.Token);
        Assert.True(NtripEndpoint.TryParse($"https://127.0.0.1:{caster.Port}", out NtripEndpoint? endpoint, out _));

        await Assert.ThrowsAsync<AuthenticationException>(() => NtripSourceTable.FetchAsync(endpoint!, null, null, NtripVersion.V2, TimeSpan.FromSeconds(10), validation, CancellationToken.None));

        await stop.CancelAsync();
        try
        {
            await serving;
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException)
        {
            // The caster's side of the refused handshake.
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
