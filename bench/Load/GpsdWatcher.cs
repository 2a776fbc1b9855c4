using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace BeidouHub.Bench.Load;

/// <summary>
/// One gpsd client, as a park application on gpsd would be one: its own TCP connection to gpsd,
/// <c>?WATCH={"enable":true,"json":true}</c>, and a TPV report per epoch. For the first TPV of each
/// epoch of a device it takes the Stopwatch time as soon as the read that brought it returns, finds
/// the epoch by (device, time of day) and subtracts the feeder's stamps. gpsd 3.22 reports the TPV
/// before the epoch's last sentence (measured here: every one of them), so it is measured as an
/// EARLY position is, from the write of the last byte of the epoch's position sentences;
/// <see cref="FromEpochEnd"/> holds those TPVs that came after the epoch's last byte, measured from it.
/// </summary>
internal sealed class GpsdWatcher(int port, IReadOnlyDictionary<string, int> receiverOfDevice, SeedEpochs seed, Feeder feeder, long windowStart, long windowEnd) : IWatcher
{
    private readonly Dictionary<int, int> _lastEpoch = [];

    public bool Early => true;

    public LatencyHistogram Latency { get; } = new();

    /// <summary>gpsd stamps nothing of its own; stays empty.</summary>
    public LatencyHistogram FromPublish { get; } = new();

    /// <summary>TPVs held after the write of the epoch's last byte, measured from it.</summary>
    public LatencyHistogram FromEpochEnd { get; } = new();

    /// <summary>TPVs held before the epoch's last byte was written (after its position sentences).</summary>
    public long BeforeEpochEnd { get; private set; }

    public long Received { get; private set; }

    /// <summary>gpsd reports no drops; a TPV it never sent shows as missing.</summary>
    public long Dropped => 0;

    public long Unmatched { get; private set; }

    /// <summary>TPVs held before the feeder wrote the last byte of the epoch's position sentences.</summary>
    public long BeforeLastByte => BeforeLastBytePerReceiver.Values.Sum(n => (long)n);

    public Dictionary<int, int> BeforeLastBytePerReceiver { get; } = [];

    /// <summary>Further TPVs of an epoch already reported (gpsd does this until it has learned the cycle).</summary>
    public long Repeated { get; private set; }

    /// <summary>TPVs without a time (no fix yet).</summary>
    public long Untimed { get; private set; }

    public Exception? Error { get; private set; }

    /// <summary>With --samples: each measured TPV's feeder stamp and held moment (Stopwatch ticks); gpsd stamps nothing (0).</summary>
    public List<(long Stamp, long Held, long PublishedUs)>? Samples { get; init; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port), cancellationToken).ConfigureAwait(false);
            await socket.SendAsync("?WATCH={\"enable\":true,\"json\":true};\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            await SocketReads.ReadAsync(socket, "gpsd", "line", (bytes, now) => ValueTask.FromResult(OnLines(bytes.Span, now)), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped by the harness.
        }
        catch (Exception e) when (e is IOException or SocketException or JsonException)
        {
            Error = e;
        }
    }

    // The whole lines at the front of bytes; returns how many bytes they took.
    private int OnLines(ReadOnlySpan<byte> bytes, long now)
    {
        int start = 0;
        for (int nl; (nl = bytes[start..].IndexOf((byte)'\n')) >= 0; start += nl + 1)
        {
            OnLine(bytes.Slice(start, nl), now);
        }

        return start;
    }

    private void OnLine(ReadOnlySpan<byte> line, long now)
    {
        if (!TryReadTpv(line, out string? device, out int timeOfDayMs))
        {
            return;
        }

        if (timeOfDayMs < 0)
        {
            Untimed++;
            return;
        }

        if (device is null || !receiverOfDevice.TryGetValue(device, out int receiver) || !seed.TryIndexOf(timeOfDayMs, out int epoch))
        {
            Unmatched++;
            return;
        }

        if (_lastEpoch.TryGetValue(receiver, out int last) && last == epoch)
        {
            Repeated++;
            return;
        }

        _lastEpoch[receiver] = epoch;
        long early = feeder.Stamp(receiver, epoch, complete: false);
        long complete = feeder.Stamp(receiver, epoch, complete: true);
        if (early == 0 || complete == 0)
        {
            Unmatched++;
            return;
        }

        if (early < 0)
        {
            BeforeLastBytePerReceiver[receiver] = BeforeLastBytePerReceiver.GetValueOrDefault(receiver) + 1;
            return;
        }

        if (early < windowStart || early >= windowEnd)
        {
            return;
        }

        Received++;
        Latency.Add(now - early);
        Samples?.Add((early, now, 0));
        if (complete < 0)
        {
            BeforeEpochEnd++;
        }
        else
        {
            FromEpochEnd.Add(now - complete);
        }
    }

    /// <summary>
    /// A TPV's device and time of day (ms; -1 when it has no time); false for any other class.
    /// gpsd writes "class" first, so other reports are passed over after one property.
    /// </summary>
    private static bool TryReadTpv(ReadOnlySpan<byte> line, out string? device, out int timeOfDayMs)
    {
        device = null;
        timeOfDayMs = -1;
        var reader = new Utf8JsonReader(line);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        bool tpv = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("class"u8))
            {
                reader.Read();
                if (!reader.ValueTextEquals("TPV"u8))
                {
                    return false;
                }

                tpv = true;
            }
            else if (reader.ValueTextEquals("device"u8))
            {
                reader.Read();
                device = reader.GetString();
            }
            else if (reader.ValueTextEquals("time"u8))
            {
                reader.Read();
                timeOfDayMs = TimeOfDayMs(reader.ValueSpan);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return tpv;
    }

    // "2026-11-27T02:00:00.100Z" -> 7,200,100; -1 when it is not of that form.
    private static int TimeOfDayMs(ReadOnlySpan<byte> time)
    {
        int t = time.IndexOf((byte)'T');
        if (t < 0 || time.Length < t + 9 || time[t + 3] != ':' || time[t + 6] != ':')
        {
            return -1;
        }

        static int Two(ReadOnlySpan<byte> s) => ((s[0] - '0') * 10) + (s[1] - '0');
        int ms = (((Two(time[(t + 1)..]) * 60) + Two(time[(t + 4)..])) * 60 + Two(time[(t + 7)..])) * 1000;
        int i = t + 9;
        if (i < time.Length && time[i] == '.')
        {
            int scale = 100;
            for (i++; i < time.Length && time[i] is >= (byte)'0' and <= (byte)'9'; i++, scale /= 10)
            {
                ms += (time[i] - '0') * scale;
            }
        }

        return ms;
    }

    /// <summary>
    /// Waits until gpsd lists every device as activated (it opened it), asking ?DEVICES every
    /// 250 ms on a connection of its own; false after the timeout, or as soon as gpsd has exited
    /// (Debian's gpsd 3.22 refuses more than 4 devices: "Too many devices on command line").
    /// </summary>
    public static async Task<bool> WaitForDevicesAsync(int port, IReadOnlyCollection<string> devices, TimeSpan timeout, Process? gpsd)
    {
        var wait = Stopwatch.StartNew();
        while (wait.Elapsed < timeout && gpsd?.HasExited != true)
        {
            try
            {
                using var client = new TcpClient();
                using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await client.ConnectAsync(System.Net.IPAddress.Loopback, port, cancel.Token).ConfigureAwait(false);
                NetworkStream stream = client.GetStream();
                await stream.WriteAsync("?DEVICES;\n"u8.ToArray(), cancel.Token).ConfigureAwait(false);
                using var reader = new StreamReader(stream, Encoding.UTF8);
                for (string? line; (line = await reader.ReadLineAsync(cancel.Token).ConfigureAwait(false)) is not null;)
                {
                    if (!line.StartsWith("{\"class\":\"DEVICES\"", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    using var json = JsonDocument.Parse(line);
                    var active = json.RootElement.GetProperty("devices").EnumerateArray()
                        .Where(d => d.TryGetProperty("activated", out _))
                        .Select(d => d.GetProperty("path").GetString())
                        .ToHashSet();
                    if (devices.All(active.Contains))
                    {
                        return true;
                    }

                    break;
                }
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(250).ConfigureAwait(false);
        }

        return false;
    }
}
