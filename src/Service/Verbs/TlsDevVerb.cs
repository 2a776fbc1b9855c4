using BeidouHub.Service.Security;

namespace BeidouHub.Service.Verbs;

/// <summary>
/// <c>beidouhub tls-dev --out DIR [--host NAME]...</c>: a CA, a server certificate and a client
/// certificate to try TLS and mTLS with, and the commands that use them. For trials: a park's
/// service takes its certificate from the park's own CA.
/// </summary>
internal static class TlsDevVerb
{
    public const string Usage = """
        usage: beidouhub tls-dev --out DIR [--host NAME]... [--client NAME]... [--days N]
          --out DIR     where to write ca.pem, server.pem + server-key.pem, client.pem + client-key.pem
                        (keys readable by their owner only; the CA's key is not kept)
          --host NAME   a name or address the server is reached by, besides localhost, 127.0.0.1, ::1
                        and this machine's name (repeat for more)
          --client NAME a further client certificate, CN=NAME, in client-NAME.pem + client-NAME-key.pem
                        (letters, digits, '.', '-', '_'; repeat for more machine clients)
          --days N      validity in days, 1-825 (default 365)
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        string? directory = null;
        var extra = new List<string>();
        var clients = new List<string>();
        long days = 365;
        var cli = new ArgumentReader("tls-dev", args);
        while (cli.Read())
        {
            switch (cli.Option)
            {
                case "--out":
                    directory = cli.TryValue(out string d) ? d : null;
                    break;
                case "--host":
                    if (cli.TryValue(out string host))
                    {
                        extra.Add(host);
                    }

                    break;
                case "--client":
                    if (cli.TryValue(out string client))
                    {
                        if (TlsDevCertificates.IsClientName(client))
                        {
                            clients.Add(client);
                        }
                        else
                        {
                            cli.Invalid($"a client name (letters, digits, '.', '-', '_'; at most {TlsDevCertificates.MaxClientNameLength})");
                        }
                    }

                    break;
                case "--days":
                    cli.TryInteger(1, 825, out days);
                    break;
                default:
                    cli.Unexpected();
                    break;
            }
        }

        if (directory is null or "")
        {
            cli.Fail("--out DIR is required (see beidouhub tls-dev --help)");
        }

        if (cli.Finish(stdout, stderr, Usage) is { } exit)
        {
            return exit;
        }

        List<string> hosts = TlsDevCertificates.Hosts(extra);
        DateTimeOffset now = TimeProvider.System.GetUtcNow();
        TlsDevFiles files;
        try
        {
            // Five minutes back: a client whose clock is a little behind still takes it.
            files = TlsDevCertificates.Write(Path.GetFullPath(directory!), hosts, now.AddMinutes(-5), now.AddDays(days), clients);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"tls-dev: cannot write into '{Path.GetFullPath(directory!)}': {e.Message}");
            return 1;
        }

        string dir = Path.GetFullPath(directory!);
        string named = string.Concat(files.Clients.Select(c => $", client-{c.Name}.pem and client-{c.Name}-key.pem (CN={c.Name})"));
        stdout.WriteLine($"tls-dev: wrote {files.Ca}, server.pem and server-key.pem (for {string.Join(", ", hosts)}), client.pem and client-key.pem (CN={TlsDevCertificates.ClientName}){named} into {dir}; valid {days} days");
        stdout.WriteLine();
        stdout.WriteLine("# serve over TLS (on every address: TLS is what allows leaving loopback)");
        stdout.WriteLine($"beidouhub serve --BeidouHub:Listen=https://0.0.0.0:50051 --BeidouHub:Tls:CertificateFile={files.Server} --BeidouHub:Tls:KeyFile={files.ServerKey}");
        stdout.WriteLine("# watch over TLS, trusting this CA only");
        stdout.WriteLine($"beidouhub watch --url https://127.0.0.1:50051 --ca {files.Ca}");
        stdout.WriteLine("# mTLS: add to serve");
        stdout.WriteLine($"  --BeidouHub:Tls:ClientCertificates=Require --BeidouHub:Tls:ClientCaFile={files.Ca}");
        stdout.WriteLine("# and to watch");
        stdout.WriteLine($"  --cert {files.Client} --key {files.ClientKey}");
        stdout.WriteLine("# a machine client identified by its certificate alone: the application entry to add");
        stdout.WriteLine($"beidouhub key cert {files.Client} APP");
        return 0;
    }
}
