using System.Diagnostics;
using System.Text.Json;
using BeidouHub.Service.Tests.Api;
using BeidouHub.Service.Tests.Support;

namespace BeidouHub.Service.Tests.Security;

/// <summary>
/// Clients from other gRPC stacks over TLS, trusting the tls-dev CA: Node's @grpc/grpc-js
/// (tests/foreign-client/stream-positions.js) and Python's grpcio with stubs that protoc and
/// grpc_python_plugin generate from the committed proto (stream_positions.py). Each takes a token
/// from BEIDOUHUB_TOKEN and sends it as 'authorization: Bearer'; the service they stream from
/// has one application, and the clients hold its API key (or a wrong one).
/// </summary>
public class TlsForeignClientTests
{
    private const string Token = "foreign-client-token";
    private static readonly (string Key, string Hash) FleetKey = BeidouHub.Service.Security.ApiKey.Generate();

    private static readonly string ClientDirectory = Path.Combine(Repo.Root, "tests", "foreign-client");

    [SkippableFact]
    public async Task StreamPositions_NodeGrpcJsOverTlsWithTheCa_ReceivesPositions()
    {
        SkipUnlessNode();
        string proto = Path.Combine(Repo.Root, "src", "Service", "Protos", "beidouhub.proto");

        List<JsonElement> positions = await StreamOverTls((port, ca) => $"exec node stream-positions.js 127.0.0.1:{port} '{proto}' 40 '{ca}'");

        Assert.Equal(40, positions.Count);
        Assert.Equal("truck", positions[^1].GetProperty("receiverId").GetString());
        Assert.Equal(27.828, positions[^1].GetProperty("latitude").GetDouble(), 7);
        Assert.Equal("RTK_STATE_FIXED", positions[^1].GetProperty("rtk").GetString());
        Assert.Equal(4547, positions[^1].GetProperty("gridEpsg").GetInt32());
    }

    [SkippableFact]
    public async Task StreamPositions_PythonGrpcioOverTlsWithTheCa_ReceivesPositions()
    {
        string python = SkipUnlessPython();
        string stubs = GeneratePythonStubs();
        try
        {
            List<JsonElement> positions = await StreamOverTls((port, ca) => $"exec '{python}' stream_positions.py 127.0.0.1:{port} '{stubs}' 40 '{ca}'");

            Assert.Equal(40, positions.Count);
            Assert.Equal(Enumerable.Range(1, 40).Select(i => (ulong)i), positions.Select(p => p.GetProperty("sequence").GetUInt64()));
            Assert.Equal("truck", positions[^1].GetProperty("receiverId").GetString());
            Assert.Equal(27.828, positions[^1].GetProperty("latitude").GetDouble(), 7);
            Assert.Equal("RTK_STATE_FIXED", positions[^1].GetProperty("rtk").GetString());
            Assert.Equal("FIX_MODE_3D", positions[^1].GetProperty("mode").GetString());
            Assert.Equal(4547, positions[^1].GetProperty("gridEpsg").GetInt32());
            Assert.True(positions[^1].GetProperty("gcj02Longitude").GetDouble() > positions[^1].GetProperty("longitude").GetDouble());
            Assert.Equal(6, positions[^1].GetProperty("satellites").GetInt32());
        }
        finally
        {
            Directory.Delete(stubs, recursive: true);
        }
    }

    [SkippableFact]
    public async Task StreamPositions_NodeWithToken_SendsItAsBearerOverTls()
    {
        SkipUnlessNode();
        string proto = Path.Combine(Repo.Root, "src", "Service", "Protos", "beidouhub.proto");

        (int exit, string error, string header) = await AgainstCapture((port, ca) => $"exec node stream-positions.js 127.0.0.1:{port} '{proto}' 1 '{ca}'");

        Assert.Equal(2, exit);
        Assert.Contains("bad token", error, StringComparison.Ordinal);
        Assert.Equal($"Bearer {Token}", header);
    }

    [SkippableFact]
    public async Task StreamPositions_PythonWithToken_SendsItAsBearerOverTls()
    {
        string python = SkipUnlessPython();
        string stubs = GeneratePythonStubs();
        try
        {
            (int exit, string error, string header) = await AgainstCapture((port, ca) => $"exec '{python}' stream_positions.py 127.0.0.1:{port} '{stubs}' 1 '{ca}'");

            Assert.Equal(2, exit);
            Assert.Equal("UNAUTHENTICATED: bad token", error.Trim());
            Assert.Equal($"Bearer {Token}", header);
        }
        finally
        {
            Directory.Delete(stubs, recursive: true);
        }
    }

    [SkippableFact]
    public async Task StreamPositions_NodeWithAWrongKey_Unauthenticated()
    {
        SkipUnlessNode();
        string proto = Path.Combine(Repo.Root, "src", "Service", "Protos", "beidouhub.proto");

        (int exit, string error) = await RefusedOverTls((port, ca) => $"exec node stream-positions.js 127.0.0.1:{port} '{proto}' 1 '{ca}'");

        Assert.Equal(2, exit);
        // Node may warn first (DEP0123: an IP address as TLS server name); the status is a line of its own.
        Assert.Contains(error.Split('\n'), l => l.StartsWith("16 UNAUTHENTICATED:", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task StreamPositions_PythonWithAWrongKey_Unauthenticated()
    {
        string python = SkipUnlessPython();
        string stubs = GeneratePythonStubs();
        try
        {
            (int exit, string error) = await RefusedOverTls((port, ca) => $"exec '{python}' stream_positions.py 127.0.0.1:{port} '{stubs}' 1 '{ca}'");

            Assert.Equal(2, exit);
            Assert.StartsWith("UNAUTHENTICATED:", error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(stubs, recursive: true);
        }
    }

    // The service over TLS with one receiver fed the test track and one application whose key the
    // client holds; the client's stdout, one JSON object per line.
    private static async Task<List<JsonElement>> StreamOverTls(Func<int, string, string> command)
    {
        using TlsTestFiles tls = TlsTestFiles.Create();
        await using var feed = new ReceiverFeed();
        await using ServiceFixture service = await StartWithApplicationAsync(tls, feed);
        using var client = new ClientProcess(command(service.Address.Port, tls.Ca), FleetKey.Key);
        await Eventually.True(() => service.Hub.SubscriberCount == 1 || client.Process.HasExited, "the client subscribes over TLS");
        Assert.False(client.Process.HasExited, client.Error);
        await feed.AcceptAsync();

        await feed.SendAsync(PositionsServiceTests.Track(27.8280));

        await client.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(client.Process.ExitCode == 0, client.Error + " / " + service.Status);
        return client.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
    }

    // The service over TLS with one application, which holds FleetKey and may see the truck's positions in every coordinate system.
    private static Task<ServiceFixture> StartWithApplicationAsync(TlsTestFiles tls, ReceiverFeed feed) =>
        ServiceFixture.StartAsync([
            .. tls.ServeArguments("--BeidouHub:Receivers:0:Id=truck", $"--BeidouHub:Receivers:0:Source={feed.Uri}"),
            .. Credentials.Application(0, "fleet-app", [FleetKey.Hash], ["truck"], ["positions"], ["*"])]);

    // A client holding a key the service does not know: refused before anything streams.
    private static async Task<(int Exit, string Error)> RefusedOverTls(Func<int, string, string> command)
    {
        using TlsTestFiles tls = TlsTestFiles.Create();
        await using var feed = new ReceiverFeed();
        await using ServiceFixture service = await StartWithApplicationAsync(tls, feed);
        (string wrongKey, _) = BeidouHub.Service.Security.ApiKey.Generate();
        using var client = new ClientProcess(command(service.Address.Port, tls.Ca), wrongKey);

        await client.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, service.Hub.SubscriberCount);
        return (client.Process.ExitCode, client.Error);
    }

    private static async Task<(int Exit, string Error, string Header)> AgainstCapture(Func<int, string, string> command)
    {
        using TlsTestFiles tls = TlsTestFiles.Create();
        await using TlsHeaderCapture capture = await TlsHeaderCapture.StartAsync(tls);
        using var client = new ClientProcess(command(capture.Port, tls.Ca), Token);

        await client.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        return (client.Process.ExitCode, client.Error, Assert.Single(capture.Authorization));
    }

    private static void SkipUnlessNode()
    {
        Skip.If(FindOnPath("node") is null, "node is not installed (.ci/run installs it)");
        Skip.IfNot(Directory.Exists(Path.Combine(ClientDirectory, "node_modules", "@grpc", "grpc-js")), "tests/foreign-client has no node_modules: run `npm ci` there (.ci/run does)");
    }

    // Debian's python3-grpcio is for Debian's python3: try that one first (a pyenv python3 on PATH lacks it).
    private static string SkipUnlessPython()
    {
        string? python = new[] { "/usr/bin/python3", FindOnPath("python3") }.FirstOrDefault(p => p is not null && File.Exists(p) && Runs(p, "-c", "import grpc, google.protobuf"));
        Skip.If(python is null, "no python3 with grpc (Debian python3-grpcio; .ci/run installs it)");
        Skip.If(FindOnPath("protoc") is null, "protoc is not installed (Debian protobuf-compiler; .ci/run installs it)");
        Skip.If(FindOnPath("grpc_python_plugin") is null, "grpc_python_plugin is not installed (Debian protobuf-compiler-grpc; .ci/run installs it)");
        Skip.If(WellKnownProtos() is null, "no google/protobuf/timestamp.proto (Debian libprotobuf-dev, or the restored Grpc.Tools package)");
        return python!;
    }

    private static string GeneratePythonStubs()
    {
        string dir = Directory.CreateTempSubdirectory("beidouhub-pystubs-").FullName;
        string protos = Path.Combine(Repo.Root, "src", "Service", "Protos");
        Assert.True(
            Runs(FindOnPath("protoc")!, "-I", protos, "-I", WellKnownProtos()!, $"--python_out={dir}", $"--grpc_python_out={dir}",
                $"--plugin=protoc-gen-grpc_python={FindOnPath("grpc_python_plugin")}", Path.Combine(protos, "beidouhub.proto")),
            "protoc with grpc_python_plugin failed on the committed proto");
        return dir;
    }

    // The well-known types (timestamp, duration) the proto imports: Debian's libprotobuf-dev has
    // them in /usr/include; otherwise the Grpc.Tools package the build restored carries the same files.
    private static string? WellKnownProtos()
    {
        const string Timestamp = "google/protobuf/timestamp.proto";
        if (File.Exists(Path.Combine("/usr/include", Timestamp)))
        {
            return "/usr/include";
        }

        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string tools = Path.Combine(packages, "grpc.tools");
        return Directory.Exists(tools)
            ? Directory.GetDirectories(tools).Select(d => Path.Combine(d, "build", "native", "include")).Where(d => File.Exists(Path.Combine(d, Timestamp))).Order(StringComparer.Ordinal).LastOrDefault()
            : null;
    }

    private static bool Runs(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using Process process = Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0;
    }

    private static string? FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':')
            .Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);

    // A client started by sh in tests/foreign-client with the token in its environment, output to files.
    private sealed class ClientProcess : IDisposable
    {
        private readonly string _output = Path.Combine(Path.GetTempPath(), $"beidouhub-client-{Guid.NewGuid():N}");

        public ClientProcess(string command, string token)
        {
            var start = new ProcessStartInfo("sh")
            {
                WorkingDirectory = ClientDirectory,
                ArgumentList = { "-c", $"{command} > '{_output}.out' 2> '{_output}.err'" },
                Environment = { ["BEIDOUHUB_TOKEN"] = token },
            };
            Process = Process.Start(start)!;
        }

        public Process Process { get; }

        public string Output => File.Exists(_output + ".out") ? File.ReadAllText(_output + ".out") : string.Empty;

        public string Error => File.Exists(_output + ".err") ? File.ReadAllText(_output + ".err") : string.Empty;

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill();
            }

            Process.Dispose();
            File.Delete(_output + ".out");
            File.Delete(_output + ".err");
        }
    }
}
