using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace BeidouHub.Testing;

/// <summary>
/// A throw-away NATS cluster for tests: three <c>nats-server</c> processes (Debian's package) with
/// JetStream, each on a random loopback client port, routed to each other on free loopback ports,
/// JetStream's files in a temporary folder. Ready when JetStream
/// answers (a meta leader is elected). <see cref="Kill"/> ends one server as a crash would; all are
/// killed and the folder deleted on <see cref="Dispose"/>. When <c>nats-server</c> is missing or
/// the cluster does not form, <see cref="Unavailable"/> says why, for the tests to skip with.
/// Meant as an xunit collection fixture: one cluster per test run.
/// </summary>
public sealed class NatsCluster : IDisposable
{
    private readonly string? _dir;
    private readonly Process?[] _servers = new Process?[3];
    private readonly string[] _clientUrls = new string[3];

    public NatsCluster()
    {
        string? server = new[] { "/usr/bin/nats-server", "/usr/sbin/nats-server", "/usr/local/bin/nats-server" }.FirstOrDefault(File.Exists);
        if (server is null)
        {
            Unavailable = "nats-server not found: apt-get install nats-server";
            return;
        }

        _dir = Directory.CreateTempSubdirectory("beidouhub-nats-").FullName;
        try
        {
            // JetStream in a cluster wants its routes configured on every server: the cluster
            // ports are chosen here (the client ports by the servers, read from their ports files).
            int[] clusterPorts = [FreePort(), FreePort(), FreePort()];
            string routes = string.Join(", ", clusterPorts.Select(p => $"\"nats-route://127.0.0.1:{p}\""));
            for (int i = 0; i < 3; i++)
            {
                string name = "n" + i.ToString(CultureInfo.InvariantCulture);
                string ports = Path.Combine(_dir, name + "-ports");
                Directory.CreateDirectory(ports);
                string conf = Path.Combine(_dir, name + ".conf");
                File.WriteAllText(conf, $$"""
                    server_name: {{name}}
                    listen: 127.0.0.1:-1
                    ports_file_dir: "{{ports}}"
                    log_file: "{{Path.Combine(_dir, name + ".log")}}"
                    jetstream {
                      store_dir: "{{Path.Combine(_dir, name)}}"
                      max_memory_store: 64MB
                      max_file_store: 256MB
                    }
                    cluster {
                      name: beidouhub-test
                      listen: 127.0.0.1:{{clusterPorts[i]}}
                      routes: [{{routes}}]
                    }
                    """);
                _servers[i] = Process.Start(new ProcessStartInfo(server, ["-c", conf]) { RedirectStandardOutput = true, RedirectStandardError = true })
                    ?? throw new InvalidOperationException("nats-server did not start");
                _servers[i]!.OutputDataReceived += (_, _) => { };
                _servers[i]!.ErrorDataReceived += (_, _) => { };
                _servers[i]!.BeginOutputReadLine();
                _servers[i]!.BeginErrorReadLine();
                _clientUrls[i] = ReadPorts(ports, _servers[i]!);
            }

            WaitForJetStream();
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or IOException or TimeoutException)
        {
            Unavailable = "the throw-away NATS cluster did not start: " + e.Message;
            Dispose();
        }
    }

    /// <summary>Why there is no cluster (for Skip.If); null when it runs.</summary>
    public string? Unavailable { get; }

    /// <summary>The three servers' client URLs, comma-separated (as BeidouHub:Cluster:Nats takes them).</summary>
    public string Urls => string.Join(',', _clientUrls);

    /// <summary>One server's client URL.</summary>
    public string Url(int server) => _clientUrls[server];

    /// <summary>Ends a server with SIGKILL (a crash); the other two keep the cluster (and JetStream's quorum).</summary>
    public void Kill(int server)
    {
        Process? p = _servers[server];
        if (p is { HasExited: false })
        {
            p.Kill();
            p.WaitForExit();
        }
    }

    public void Dispose()
    {
        foreach (Process? p in _servers)
        {
            try
            {
                if (p is { HasExited: false })
                {
                    p.Kill();
                    p.WaitForExit();
                }
            }
            catch (InvalidOperationException)
            {
                // Never started.
            }

            p?.Dispose();
        }

        Array.Clear(_servers);
        if (_dir is not null && Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    // nats-server writes "<name>_<pid>.ports" (JSON: its client and cluster URLs) once it listens.
    private static string ReadPorts(string folder, Process server)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < until)
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException($"nats-server exited with {server.ExitCode}");
            }

            foreach (string file in Directory.GetFiles(folder, "*.ports"))
            {
                try
                {
                    using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(file));
                    return doc.RootElement.GetProperty("nats")[0].GetString()!;
                }
                catch (Exception e) when (e is JsonException or KeyNotFoundException or IOException or IndexOutOfRangeException)
                {
                    // Being written.
                }
            }

            Thread.Sleep(50);
        }

        throw new TimeoutException("nats-server wrote no ports file within 20 s");
    }

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }

    // JetStream answers once the three servers have elected a meta leader.
    private void WaitForJetStream()
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        string last = "";
        while (DateTime.UtcNow < until)
        {
            try
            {
                Task.Run(async () =>
                {
                    await using var nats = new NatsConnection(new NatsOpts { Url = Urls });
                    var js = new NatsJSContext(nats);
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                    var info = await js.GetAccountInfoAsync(timeout.Token);
                    _ = info;
                }).GetAwaiter().GetResult();
                return;
            }
            catch (Exception e) when (e is NatsException or OperationCanceledException or TimeoutException)
            {
                last = e.Message;
                Thread.Sleep(250);
            }
        }

        throw new TimeoutException("JetStream did not answer within 30 s: " + last);
    }
}
