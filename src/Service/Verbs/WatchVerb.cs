using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using BeidouHub.Protocol.V1;
using Grpc.Core;
using BeidouHub.Service.Security;

namespace BeidouHub.Service.Verbs;

/// <summary>
/// <c>beidouhub watch</c>: a console subscriber, one compact line per position (like gpspipe/cgps
/// for gpsd); <c>--sky</c>, <c>--events</c>, <c>--receivers</c> and <c>--alerts</c> follow the other streams.
/// </summary>
internal static class WatchVerb
{
    public const string Usage = """
        usage: beidouhub watch [--url URL] [--ca FILE] [--token TOKEN] [--cert FILE --key FILE] [--receiver ID]... [--zone ID]...
                               [--min-quality any|fix|dgps|float|fixed] [--rate HZ] [--early] [--count N]
                               [--sky | --events | --receivers | --alerts]
          default     one line per position: time, receiver, fix, lat lon, grid N/E, satellites used (BDS/GPS/other)
          --sky       one line per sky report: satellites per constellation, * = used
          --events    zone Enter/Exit/Dwell events
          --receivers receiver states and counters as they change
          --alerts    integrity alerts: the open ones first, then each start and end
          --early     positions as soon as the epoch's position sentences are in (no DOPs/sigmas)
          --count N   stop after N lines
        """ + "\n" + TlsClientOptions.Usage;

    private static readonly (string, MinQuality)[] Qualities =
    [
        ("any", MinQuality.Any), ("fix", MinQuality.Fix), ("dgps", MinQuality.Differential), ("float", MinQuality.RtkFloat), ("fixed", MinQuality.RtkFixed),
    ];

    // Not inlined into Main, which is compiled with every verb in it: inlined, the verbs' state
    // machines loaded their types (Google.Protobuf among them) at every start, whatever the verb.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var connection = new TlsClientOptions();
        var request = new StreamPositionsRequest { Coordinates = { CoordinateSystem.Grid } };
        string mode = "positions";
        long count = long.MaxValue;
        var cli = new ArgumentReader("watch", args);
        while (cli.Read())
        {
            switch (cli.Option)
            {
                case var o when TlsClientOptions.IsOption(o):
                    connection.Read(cli);
                    break;
                case "--receiver":
                    if (cli.TryValue(out string receiver))
                    {
                        request.ReceiverIds.Add(receiver);
                    }

                    break;
                case "--zone":
                    if (cli.TryValue(out string zone))
                    {
                        request.ZoneIds.Add(zone);
                    }

                    break;
                case "--min-quality":
                    if (cli.TryChoice(Qualities, out MinQuality quality))
                    {
                        request.MinQuality = quality;
                    }

                    break;
                case "--rate":
                    if (cli.TryPositive(out double hz, "a rate in Hz greater than 0, e.g. 1 or 0.2"))
                    {
                        request.MaxRateHz = hz;
                    }

                    break;
                case "--count":
                    if (cli.TryInteger(1, long.MaxValue, out long n))
                    {
                        count = n;
                    }

                    break;
                case "--early":
                    request.Delivery = Delivery.Early;
                    break;
                case "--sky" or "--events" or "--receivers" or "--alerts":
                    mode = cli.Option[2..];
                    break;
                default:
                    cli.Unexpected();
                    break;
            }
        }

        if (cli.Finish(stdout, stderr, Usage) is { } exit)
        {
            return exit;
        }

        if (!connection.TryOpen(Environment.GetEnvironmentVariable(TlsClientOptions.TokenVariable), out TlsClientChannel? opened, out string? error))
        {
            await stderr.WriteLineAsync($"watch: {error}").ConfigureAwait(false);
            return 2;
        }

        using TlsClientChannel channel = opened!;
        try
        {
            switch (mode)
            {
                case "positions":
                    {
                        var client = new Positions.PositionsClient(channel.CallInvoker);
                        using AsyncServerStreamingCall<Position> call = client.StreamPositions(request, cancellationToken: cancellationToken);
                        await foreach (Position p in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                        {
                            await stdout.WriteLineAsync(FormatPosition(p)).ConfigureAwait(false);
                            if (--count == 0)
                            {
                                break;
                            }
                        }

                        break;
                    }

                case "sky":
                    {
                        var client = new Positions.PositionsClient(channel.CallInvoker);
                        var sky = new StreamSkyRequest { ReceiverIds = { request.ReceiverIds } };
                        using AsyncServerStreamingCall<SkyView> call = client.StreamSky(sky, cancellationToken: cancellationToken);
                        await foreach (SkyView v in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                        {
                            await stdout.WriteLineAsync(FormatSky(v)).ConfigureAwait(false);
                            if (--count == 0)
                            {
                                break;
                            }
                        }

                        break;
                    }

                case "events":
                    {
                        var client = new Positions.PositionsClient(channel.CallInvoker);
                        var events = new StreamZoneEventsRequest { ReceiverIds = { request.ReceiverIds }, ZoneIds = { request.ZoneIds } };
                        using AsyncServerStreamingCall<ZoneEvent> call = client.StreamZoneEvents(events, cancellationToken: cancellationToken);
                        await foreach (ZoneEvent e in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                        {
                            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                                $"{e.Time.ToDateTime():yyyy-MM-ddTHH:mm:ss.fffZ} {e.Kind.ToString().ToUpperInvariant(),-5} {e.ReceiverId} {e.ZoneId} at park ({e.Position.East:0.00}, {e.Position.North:0.00})")).ConfigureAwait(false);
                            if (--count == 0)
                            {
                                break;
                            }
                        }

                        break;
                    }

                case "alerts":
                    {
                        var client = new Positions.PositionsClient(channel.CallInvoker);
                        using AsyncServerStreamingCall<AlertEvent> call = client.StreamAlerts(new StreamAlertsRequest { ReceiverIds = { request.ReceiverIds } }, cancellationToken: cancellationToken);
                        await foreach (AlertEvent e in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                        {
                            await stdout.WriteLineAsync(FormatAlert(e)).ConfigureAwait(false);
                            if (--count == 0)
                            {
                                break;
                            }
                        }

                        break;
                    }

                default:
                    {
                        var client = new BeidouHub.Protocol.V1.Receivers.ReceiversClient(channel.CallInvoker);
                        using AsyncServerStreamingCall<ReceiverStatus> call = client.WatchReceivers(new WatchReceiversRequest(), cancellationToken: cancellationToken);
                        await foreach (ReceiverStatus s in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                        {
                            await stdout.WriteLineAsync(FormatReceiver(s)).ConfigureAwait(false);
                            if (--count == 0)
                            {
                                break;
                            }
                        }

                        break;
                    }
            }
        }
        catch (RpcException e) when (channel.DescribeConnectionFailure(e) is { } failure)
        {
            await stderr.WriteLineAsync($"watch: {failure}").ConfigureAwait(false);
            return 1;
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
        {
            await stderr.WriteLineAsync($"watch: {e.StatusCode}: {e.Status.Detail}").ConfigureAwait(false);
            return 1;
        }
        catch (Exception e) when (e is OperationCanceledException || (e is RpcException r && r.StatusCode == StatusCode.Cancelled))
        {
            // Ctrl+C.
        }

        return 0;
    }

    // `watch --alerts`: what happened (OPEN: already open when watch started), severity, kind, since when (and until), who, the message.
    internal static string FormatAlert(AlertEvent e)
    {
        Alert a = e.Alert;
        string what = e.Kind switch
        {
            AlertEventKind.Open => "OPEN ",
            AlertEventKind.Started => "START",
            AlertEventKind.Ended => "END  ",
            _ => "?    ",
        };
        string severity = a.Severity switch
        {
            AlertSeverity.Critical => "CRITICAL",
            AlertSeverity.Warning => "warning ",
            _ => "info    ",
        };
        string kind = a.Kind.ToString();
        string start = a.StartTime.ToDateTime().ToString("yyyy-MM-ddTHH:mm:ss'Z'", CultureInfo.InvariantCulture);
        string span = a.EndTime is { } end
            ? string.Create(CultureInfo.InvariantCulture, $"{start} to {end.ToDateTime():HH:mm:ss'Z'} ({(end.ToDateTime() - a.StartTime.ToDateTime()).TotalSeconds:0} s)")
            : "since " + start;
        // The message names the receiver (or says park); a park alert lists the receivers it has.
        string who = a.ParkWide ? string.Create(CultureInfo.InvariantCulture, $" [{a.ReceiverIds.Count} receivers: {string.Join(",", a.ReceiverIds)}]") : string.Empty;
        string dropped = e.Dropped > 0 ? string.Create(CultureInfo.InvariantCulture, $" [dropped {e.Dropped}]") : string.Empty;
        return $"{what} {severity} {kind,-18} {span}  {a.Message}{who}{dropped}";
    }

    // `watch --receivers`: state (connecting, connected, stale, disconnected, stopped, faulted), counters, corrections, last error.
    internal static string FormatReceiver(ReceiverStatus s) => string.Create(CultureInfo.InvariantCulture,
        $"{s.Id,-12} {s.State.ToString().ToLowerInvariant(),-12} {s.Sentences,9} sentences {s.Epochs,8} epochs {s.ChecksumFailures} bad checksums {s.Reconnects} reconnects {s.Faults} faults {FormatCorrections(s.Corrections)}{s.Source}{(s.LastError.Length > 0 ? "  last error: " + s.LastError : string.Empty)}");

    // "rtcm streaming 160 frames 2 bad age 0.4s ": the receiver's NTRIP stream, when it has one.
    internal static string FormatCorrections(CorrectionStatus? c) => c is null ? string.Empty : string.Create(CultureInfo.InvariantCulture,
        $"rtcm {c.State.ToString().ToLowerInvariant()} {c.Frames} frames {c.BadFrames} bad{(c.CorrectionAge is { } age ? $" age {age.ToTimeSpan().TotalSeconds:0.0}s" : string.Empty)} ");

    internal static string FormatPosition(Position p)
    {
        var sb = new StringBuilder(160);
        string time = p.Time is { } t ? t.ToDateTime().ToString("yyyy-MM-ddTHH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)
            : TimeSpan.FromMilliseconds(p.TimeOfDayMs).ToString(@"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture);
        sb.Append(time).Append(' ').Append(p.ReceiverId.PadRight(10)).Append(' ');
        string fix = p.Rtk switch
        {
            RtkState.Fixed => "RTK-fixed",
            RtkState.Float => "RTK-float",
            _ => p.Mode switch
            {
                FixMode._3D => p.Quality == 2 ? "DGPS-3D" : "3D",
                FixMode._2D => "2D",
                _ => "no-fix",
            },
        };
        sb.Append(CultureInfo.InvariantCulture, $"{fix,-9} q{p.Quality} ");
        if (p.HasLatitude && p.HasLongitude)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{p.Latitude,12:0.0000000} {p.Longitude,13:0.0000000} ");
            if (p.HasAltitudeMsl)
            {
                sb.Append(CultureInfo.InvariantCulture, $"{p.AltitudeMsl,7:0.00}m ");
            }
        }
        else
        {
            sb.Append("             -             - ");
        }

        if (p.Grid is { } g)
        {
            sb.Append(CultureInfo.InvariantCulture, $"N {g.Northing:0.000} E {g.Easting:0.000} ");
        }

        uint other = p.Used.Glonass + p.Used.Galileo + p.Used.Qzss + p.Used.Navic + p.Used.Sbas;
        sb.Append(CultureInfo.InvariantCulture, $"used BDS {p.Used.Beidou} GPS {p.Used.Gps} other {other}");
        if (p.HasHdop)
        {
            sb.Append(CultureInfo.InvariantCulture, $" hdop {p.Hdop:0.00}");
        }

        if (p.HasCorrectionAgeS)
        {
            sb.Append(CultureInfo.InvariantCulture, $" age {p.CorrectionAgeS:0.0}s");
        }

        if (p.ZoneIds.Count > 0)
        {
            sb.Append(" in ").Append(string.Join(",", p.ZoneIds));
        }

        if (p.Dropped > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $" [dropped {p.Dropped}]");
        }

        return sb.ToString();
    }

    internal static string FormatSky(SkyView v)
    {
        var sb = new StringBuilder(256);
        string time = v.Time is { } t ? t.ToDateTime().ToString("yyyy-MM-ddTHH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) : "-";
        sb.Append(time).Append(' ').Append(v.ReceiverId);
        foreach (IGrouping<Constellation, Satellite> group in v.Satellites.GroupBy(s => s.Constellation))
        {
            string prefix = group.Key switch
            {
                Constellation.Beidou => "C",
                Constellation.Gps => "G",
                Constellation.Glonass => "R",
                Constellation.Galileo => "E",
                Constellation.Qzss => "J",
                Constellation.Navic => "I",
                Constellation.Sbas => "S",
                _ => "?",
            };
            sb.Append(CultureInfo.InvariantCulture, $" | {group.Key.ToString().ToUpperInvariant()} {group.Where(s => s.Used).Select(s => s.Svid).Distinct().Count()}/{group.Select(s => s.Svid).Distinct().Count()}:");
            foreach (Satellite s in group)
            {
                sb.Append(CultureInfo.InvariantCulture, $" {prefix}{s.Svid:00}");
                if (s.HasSignal)
                {
                    sb.Append('/').Append(s.Signal);
                }

                sb.Append(CultureInfo.InvariantCulture, $"({(s.HasElevationDeg ? s.ElevationDeg : 0)}°,{(s.HasCn0Dbhz ? s.Cn0Dbhz.ToString(CultureInfo.InvariantCulture) : "-")})");
                if (s.Used)
                {
                    sb.Append('*');
                }
            }
        }

        return sb.ToString();
    }
}
