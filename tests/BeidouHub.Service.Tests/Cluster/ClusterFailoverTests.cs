using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using BeidouHub.Protocol.V1;
using BeidouHub.Service.Cluster;
using BeidouHub.Service.Receivers;
using BeidouHub.Service.Tests.Support;
using BeidouHub.Testing;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace BeidouHub.Service.Tests.Cluster;

/// <summary>
/// A node that dies: node a in a child process (the real service, killed with SIGKILL), node b in
/// this process, both configured with the same TCP receiver (a loopback feed playing a
/// serial-to-Ethernet converter at 10 Hz). b stands by while a reads it, takes it over when a's
/// lease lapses, and b's subscriber sees a gap of a few seconds, no duplicate and no going back.
/// </summary>
[Collection(NatsServers.Name)]
public sealed class ClusterFailoverTests(NatsCluster nats, ITestOutputHelper output)
{
    [SkippableFact]
    public async Task NodeKilled_ItsTcpReceiverIsTakenOver_SubscriberSeesAShortGapWithoutDuplicates()
    {
        Skip.If(nats.Unavailable is not null, nats.Unavailable);
        string prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        await using var feed = new LoopFeed(Repo.Seed("park-vehicle-rtk-10hz.nmea"));
        string[] cluster = [$"--BeidouHub:Cluster:Nats={nats.Urls}", $"--BeidouHub:Cluster:Prefix={prefix}", "--BeidouHub:Cluster:LeaseTtl=00:00:03",
            "--BeidouHub:Receivers:0:Id=truck", $"--BeidouHub:Receivers:0:Source={feed.Uri}"];

        using Process a = StartChild([.. cluster, "--BeidouHub:Cluster:NodeId=a"]);
        try
        {
            await Eventually.True(() => feed.Connections >= 1 || a.HasExited, "node a connecting to the feed");
            Assert.False(a.HasExited, "node a exited");

            await using ServiceFixture b = await ServiceFixture.StartAsync([.. cluster, "--BeidouHub:Cluster:NodeId=b"]);
            ReceiverHost host = b.Services.GetRequiredService<ReceiverHost>();
            var client = new Positions.PositionsClient(b.Channel);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            using AsyncServerStreamingCall<Position> stream = client.StreamPositions(new StreamPositionsRequest { ReceiverIds = { "truck" } }, cancellationToken: timeout.Token);
            var seen = new List<(Position P, DateTime At)>();

            // From a, through NATS.
            while (seen.Count < 30 && await stream.ResponseStream.MoveNext(timeout.Token))
            {
                seen.Add((stream.ResponseStream.Current, DateTime.UtcNow));
            }

            Assert.False(host.ReadsHere("truck"));
            a.Kill();
            await a.WaitForExitAsync();
            DateTime killed = DateTime.UtcNow;
            int before = seen.Count;

            // Then from b itself, after a's lease lapsed.
            while (!(host.ReadsHere("truck") && seen.Count >= before + 30) && await stream.ResponseStream.MoveNext(timeout.Token))
            {
                seen.Add((stream.ResponseStream.Current, DateTime.UtcNow));
            }

            Assert.True(host.ReadsHere("truck"));
            Assert.True(feed.Connections >= 2);
            List<ulong> sequences = seen.Select(s => s.P.Sequence).ToList();
            for (int i = 1; i < sequences.Count; i++)
            {
                Assert.True(sequences[i] > sequences[i - 1], $"sequence {sequences[i]} after {sequences[i - 1]} (position {i})");
            }

            // The biggest gap is the take-over: lease time (3 s) plus a renewal's worth, plus the connect.
            TimeSpan gap = Enumerable.Range(1, seen.Count - 1).Select(i => seen[i].At - seen[i - 1].At).Max();
            DateTime firstAfter = seen.First(s => s.At > killed).At;
            output.WriteLine($"take-over: first position on b {(firstAfter - killed).TotalSeconds:0.00} s after the kill; largest gap {gap.TotalSeconds:0.00} s; sequences {sequences[before - 1]} -> {sequences[before]}");
            Assert.InRange(gap, TimeSpan.Zero, TimeSpan.FromSeconds(10));
            Assert.InRange(sequences[before] - sequences[before - 1], 1UL, (ulong)ReceiverLeases.SequenceGap + 1000);
            Assert.Equal(0, b.Services.GetRequiredService<ClusterBridge>().NotPublished);

            // a comes back: it stands by, and the receiver is not read twice.
            var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
            using Process again = StartChild([.. cluster, "--BeidouHub:Cluster:NodeId=a"], lines);
            try
            {
                await Eventually.True(() => lines.Any(l => l.Contains("receiver truck is read by node b; node a stands by", StringComparison.Ordinal)) || again.HasExited, "node a standing by");
                Assert.False(again.HasExited, "node a exited: " + string.Join("\n", lines));
                Assert.Equal(2, feed.Connections);
                Assert.True(host.ReadsHere("truck"));
            }
            finally
            {
                again.Kill();
                await again.WaitForExitAsync();
            }
        }
        finally
        {
            if (!a.HasExited)
            {
                a.Kill();
                await a.WaitForExitAsync();
            }
        }
    }

    private static Process StartChild(string[] args, System.Collections.Concurrent.ConcurrentQueue<string>? lines = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in (string[])[Path.Combine(AppContext.BaseDirectory, "beidouhub.dll"), "--BeidouHub:Listen=http://127.0.0.1:0", .. args])
        {
            start.ArgumentList.Add(arg);
        }

        Process child = Process.Start(start)!;
        child.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lines?.Enqueue(line);
            }
        };
        child.ErrorDataReceived += (_, _) => { };
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        return child;
    }

    /// <summary>
    /// A serial-to-Ethernet converter in front of one receiver: whoever connects gets the capture's
    /// lines from where the previous connection left off (one receiver, one stream of epochs), an
    /// epoch's worth every 100 ms, looping.
    /// </summary>
    private sealed class LoopFeed : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly string[] _lines;
        private readonly int _perEpoch;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _accepting;
        private int _cursor;
        private int _connections;

        public LoopFeed(string capture)
        {
            _lines = File.ReadAllLines(capture).Where(l => l.StartsWith('$')).ToArray();
            _perEpoch = Math.Max(1, _lines.Length / Math.Max(1, _lines.Count(l => l.AsSpan(3).StartsWith("GGA"))));
            _listener.Start();
            _accepting = AcceptAsync();
        }

        public string Uri => $"tcp://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

        public int Connections => Volatile.Read(ref _connections);

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            try
            {
                await _accepting;
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // Stopped.
            }

            _listener.Dispose();
            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket peer = await _listener.AcceptSocketAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                _ = Task.Run(() => SendAsync(peer));
            }
        }

        private async Task SendAsync(Socket peer)
        {
            using (peer)
            {
                try
                {
                    using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
                    while (await timer.WaitForNextTickAsync(_stop.Token))
                    {
                        var chunk = new StringBuilder();
                        for (int i = 0; i < _perEpoch; i++)
                        {
                            int at = Interlocked.Increment(ref _cursor) - 1;
                            chunk.Append(_lines[at % _lines.Length]).Append("\r\n");
                        }

                        await peer.SendAsync(Encoding.ASCII.GetBytes(chunk.ToString()), _stop.Token);
                    }
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
                {
                    // The node went away (or the test ended).
                }
            }
        }
    }
}
