using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace BeidouHub.Testing;

/// <summary>
/// A throw-away PostgreSQL cluster for tests: <c>initdb</c> into a temporary folder and
/// <c>pg_ctl start</c> on a free loopback port (its socket in the same folder), as an unprivileged
/// user when the tests run as root (PostgreSQL refuses root: <c>runuser -u nobody</c>, the folder
/// owned by nobody). Stopped (<c>-m immediate</c>) and deleted on <see cref="Dispose"/>. When the
/// binaries are missing or the cluster cannot start, <see cref="Unavailable"/> says why, for the
/// tests to skip with. Meant as an xunit collection fixture: one cluster per test run.
/// </summary>
public sealed class PostgresCluster : IDisposable
{
    private const string User = "nobody";
    private readonly string? _bin;
    private readonly string? _dir;
    private readonly bool _asRoot;
    private int _databases;

    public PostgresCluster()
    {
        _bin = FindBin();
        if (_bin is null)
        {
            Unavailable = "PostgreSQL's initdb not found (pg_config --bindir, /usr/lib/postgresql/*/bin): apt-get install postgresql";
            return;
        }

        _asRoot = Environment.UserName == "root";
        if (_asRoot && !File.Exists("/usr/sbin/runuser") && !File.Exists("/sbin/runuser"))
        {
            Unavailable = "running as root and runuser (util-linux) is missing: PostgreSQL does not run as root";
            return;
        }

        _dir = Directory.CreateTempSubdirectory("beidouhub-pg-").FullName;
        try
        {
            if (_asRoot)
            {
                Run("chown", [User + ":", _dir], asUser: false);
            }

            // No fsync: the cluster lives for one test run; crash safety of PostgreSQL is not under test.
            Run(Path.Combine(_bin, "initdb"), ["-D", DataDir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"]);
            for (int attempt = 1; ; attempt++)
            {
                Port = FreePort();
                File.AppendAllText(Path.Combine(DataDir, "postgresql.conf"), string.Create(CultureInfo.InvariantCulture, $"""

                    port = {Port}
                    listen_addresses = '127.0.0.1'
                    unix_socket_directories = '{_dir}'
                    fsync = off
                    full_page_writes = off
                    max_connections = 50

                    """));
                try
                {
                    Start();
                    break;
                }
                catch (InvalidOperationException) when (attempt < 3)
                {
                    // The port was taken between our probe and the server's bind: another one.
                }
            }
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
        {
            Unavailable = "the throw-away PostgreSQL cluster did not start: " + e.Message;
        }
    }

    /// <summary>Why there is no cluster (for Skip.If); null when it runs.</summary>
    public string? Unavailable { get; }

    /// <summary>The server's loopback port.</summary>
    public int Port { get; private set; }

    private string DataDir => Path.Combine(_dir!, "data");

    /// <summary>An Npgsql connection string for a database of the cluster, as its superuser.</summary>
    public string ConnectionString(string database) => string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Timeout=5");

    /// <summary>A new, empty database; its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        string name = "t" + Interlocked.Increment(ref _databases).ToString(CultureInfo.InvariantCulture);
        await using var c = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false");
        await c.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name};", c);
        await create.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    /// <summary>True when the server can create the extension (its files are installed), as <c>pg_available_extensions</c> says.</summary>
    public async Task<bool> HasExtensionAsync(string name)
    {
        await using var c = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false");
        await c.OpenAsync();
        await using var q = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = $1);", c);
        q.Parameters.AddWithValue(name);
        return (bool)(await q.ExecuteScalarAsync())!;
    }

    /// <summary>Starts the server (again), waiting until it accepts connections.</summary>
    public void Start() => Run(Path.Combine(_bin!, "pg_ctl"), ["-D", DataDir, "-l", Path.Combine(_dir!, "server.log"), "-w", "-t", "60", "start"]);

    /// <summary>Stops the server: <c>fast</c> (sessions ended, a clean shutdown) or <c>immediate</c> (as a crash).</summary>
    public void Stop(string mode = "fast") => Run(Path.Combine(_bin!, "pg_ctl"), ["-D", DataDir, "-m", mode, "-w", "stop"]);

    public void Dispose()
    {
        if (_dir is null)
        {
            return;
        }

        try
        {
            if (File.Exists(Path.Combine(DataDir, "postmaster.pid")))
            {
                Stop("immediate");
            }
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        Directory.Delete(_dir, recursive: true);
    }

    private static string? FindBin()
    {
        var candidates = new List<string>();
        try
        {
            using Process? config = Process.Start(new ProcessStartInfo("pg_config", "--bindir") { RedirectStandardOutput = true, RedirectStandardError = true });
            if (config is not null)
            {
                candidates.Add(config.StandardOutput.ReadToEnd().Trim());
                config.WaitForExit();
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No pg_config (it comes with libpq-dev): look where Debian installs the server.
        }

        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => int.TryParse(Path.GetFileName(d), out int v) ? v : 0).Select(d => Path.Combine(d, "bin")));
        }

        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    // Runs a tool to its end (as nobody when we are root); throws with its output when it fails.
    private void Run(string tool, string[] args, bool asUser = true)
    {
        var start = new ProcessStartInfo(asUser && _asRoot ? "runuser" : tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _dir ?? Path.GetTempPath(),
        };
        if (asUser && _asRoot)
        {
            foreach (string a in (string[])["-u", User, "--", tool])
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using Process p = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start");
        Task<string> output = p.StandardOutput.ReadToEndAsync();
        Task<string> errors = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            string log = _dir is not null && File.Exists(Path.Combine(_dir, "server.log")) ? File.ReadAllText(Path.Combine(_dir, "server.log")) : "";
            throw new InvalidOperationException($"{Path.GetFileName(tool)} {string.Join(' ', args)} exited with {p.ExitCode}: {errors.Result.Trim()} {output.Result.Trim()} {Tail(log)}".Trim());
        }
    }

    private static string Tail(string log) => log.Length <= 600 ? log : log[^600..];
}
