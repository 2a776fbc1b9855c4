using BeidouHub.Protocol.V1;
using BeidouHub.Service.Hub;
using BeidouHub.Service.History;
using BeidouHub.Service.Security;
using BeidouHub.Store;
using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace BeidouHub.Service.Api;

/// <summary>
/// beidouhub.v1.History: thin over the store, scoped as the live API is (the caller's receivers,
/// zones and coordinates); a stored position goes out as the <see cref="Position"/> the live stream
/// carried.
/// </summary>
internal sealed class HistoryService : Protocol.V1.History.HistoryBase
{
    private readonly HistoryAccess _history;
    private readonly TimeProvider _time;

    public HistoryService(HistoryAccess history, TimeProvider time)
    {
        _history = history;
        _time = time;
    }

    public override async Task QueryTrack(QueryTrackRequest request, IServerStreamWriter<Position> responseStream, ServerCallContext context)
    {
        if (string.IsNullOrEmpty(request.ReceiverId))
        {
            throw Invalid("receiver_id is required");
        }

        ApplicationScope scope = context.Access().Scope;
        scope.ReceiversOf(new RepeatedField<string> { request.ReceiverId });
        PositionShape shape = scope.ShapeOf(request.Coordinates, satellites: false);
        (DateTime since, DateTime until) = Range(request.StartTime, request.EndTime);
        IHistoryStore store = Store();
        int maxPoints = request.MaxPoints > int.MaxValue ? int.MaxValue : (int)request.MaxPoints;
        CancellationToken cancel = context.CancellationToken;
        try
        {
            await foreach (PositionRecord r in store.ReadTrackAsync(request.ReceiverId, since, until, maxPoints, cancel).ConfigureAwait(false))
            {
                await responseStream.WriteAsync(ProtoMapping.ToProto(HistoryMapping.ToUpdate(r), shape, dropped: 0), cancel).ConfigureAwait(false);
            }
        }
        catch (System.Data.Common.DbException e)
        {
            throw StoreUnavailable(e);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    public override async Task<PositionAtResponse> PositionAt(PositionAtRequest request, ServerCallContext context)
    {
        if (request.ReceiverIds.Count == 0)
        {
            throw Invalid("receiver_ids: name at least one receiver");
        }

        if (request.Time is null)
        {
            throw Invalid("time is required");
        }

        ApplicationScope scope = context.Access().Scope;
        scope.ReceiversOf(request.ReceiverIds);
        PositionShape shape = scope.ShapeOf(request.Coordinates, satellites: false);
        DateTime at = request.Time.ToDateTime();
        TimeSpan maxGap = request.MaxGap is { } g ? g.ToTimeSpan() : TimeSpan.Zero;
        if (maxGap < TimeSpan.Zero)
        {
            throw Invalid("max_gap must not be negative");
        }

        IHistoryStore store = Store();
        var response = new PositionAtResponse();
        foreach (string receiver in request.ReceiverIds.Distinct(StringComparer.Ordinal))
        {
            PositionRecord? before, after;
            try
            {
                (before, after) = await store.ReadAroundAsync(receiver, at, context.CancellationToken).ConfigureAwait(false);
            }
            catch (System.Data.Common.DbException e)
            {
                throw StoreUnavailable(e);
            }
            if (maxGap > TimeSpan.Zero)
            {
                before = before is not null && at - before.Time <= maxGap ? before : null;
                after = after is not null && after.Time - at <= maxGap ? after : null;
            }

            if (HistoricAt(before, after, at) is not ({ } record, TimeSpan gap, bool interpolated))
            {
                continue;
            }

            response.Positions.Add(new HistoricPosition
            {
                Position = ProtoMapping.ToProto(HistoryMapping.ToUpdate(record), shape, dropped: 0),
                Gap = Duration.FromTimeSpan(gap),
                Interpolated = interpolated,
            });
        }

        return response;
    }

    public override async Task QueryZoneEvents(QueryZoneEventsRequest request, IServerStreamWriter<Protocol.V1.ZoneEvent> responseStream, ServerCallContext context)
    {
        // As StreamZoneEvents: zones and receivers in scope; the park position only with park coordinates in scope.
        ApplicationScope scope = context.Access().Scope;
        ScopedIds zones = scope.ZonesOf(request.ZoneIds);
        ScopedIds receivers = scope.ReceiversOf(request.ReceiverIds);
        Func<string, bool>? zoneOk = zones.Predicate();
        Func<string, bool>? receiverOk = receivers.Predicate();
        bool park = (scope.Coordinates & CoordinateParts.Park) != 0;
        (DateTime since, DateTime until) = Range(request.StartTime, request.EndTime);
        IHistoryStore store = Store();
        CancellationToken cancel = context.CancellationToken;
        try
        {
            await foreach (ZoneEventRecord e in store.ReadZoneEventsAsync(receivers.Ids, zones.Ids, since, until, cancel).ConfigureAwait(false))
            {
                if ((zoneOk is null || zoneOk(e.Zone)) && (receiverOk is null || receiverOk(e.Receiver)))
                {
                    var update = new ZoneUpdate(new Geo.Zones.ZoneEvent((Geo.Zones.ZoneEventKind)e.Kind, e.Receiver, e.Zone, new DateTimeOffset(e.Time), new Geo.ParkPoint(e.ParkEast, e.ParkNorth)));
                    await responseStream.WriteAsync(ProtoMapping.ToProto(update, dropped: 0, park), cancel).ConfigureAwait(false);
                }
            }
        }
        catch (System.Data.Common.DbException e)
        {
            throw StoreUnavailable(e);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    public override async Task ZoneOccupancy(ZoneOccupancyRequest request, IServerStreamWriter<Protocol.V1.ZoneStay> responseStream, ServerCallContext context)
    {
        if (string.IsNullOrEmpty(request.ZoneId))
        {
            throw Invalid("zone_id is required");
        }

        ApplicationScope scope = context.Access().Scope;
        scope.ZonesOf(new RepeatedField<string> { request.ZoneId });
        Func<string, bool>? receiverOk = scope.ReceiversOf(request.ReceiverIds).Predicate();
        (DateTime since, DateTime until) = Range(request.StartTime, request.EndTime);
        IHistoryStore store = Store();
        CancellationToken cancel = context.CancellationToken;
        string[] zone = [request.ZoneId];
        var before = new List<ZoneEventRecord>();
        await foreach (ZoneEventRecord e in store.ReadLastZoneEventsAsync(request.ZoneId, since, cancel).ConfigureAwait(false))
        {
            before.Add(e);
        }

        var events = new List<ZoneEventRecord>();
        await foreach (ZoneEventRecord e in store.ReadZoneEventsAsync([], zone, since, until, cancel).ConfigureAwait(false))
        {
            events.Add(e);
        }

        try
        {
            foreach (History.ZoneStay stay in ZoneStays.From(before, events, since))
            {
                if (receiverOk is not null && !receiverOk(stay.Receiver))
                {
                    continue;
                }

                var message = new Protocol.V1.ZoneStay
                {
                    ReceiverId = stay.Receiver,
                    ZoneId = stay.Zone,
                    Entered = Timestamp.FromDateTime(stay.Entered),
                    InsideAtStart = stay.InsideAtStart,
                    Duration = Duration.FromTimeSpan((stay.Exited ?? until) - stay.Entered),
                };
                if (stay.Exited is { } exited)
                {
                    message.Exited = Timestamp.FromDateTime(exited);
                }

                await responseStream.WriteAsync(message, cancel).ConfigureAwait(false);
            }
        }
        catch (System.Data.Common.DbException e)
        {
            throw StoreUnavailable(e);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    /// <summary>
    /// The position at <paramref name="at"/> from the stored epochs around it: the epoch itself
    /// when one is at that instant; between two, linear in latitude/longitude/altitude, grid and
    /// park coordinates (the rest from the nearer epoch); with one side only, that epoch. The gap
    /// is the distance in time to the nearest stored epoch.
    /// </summary>
    internal static (PositionRecord Record, TimeSpan Gap, bool Interpolated)? HistoricAt(PositionRecord? before, PositionRecord? after, DateTime at)
    {
        if (before is null && after is null)
        {
            return null;
        }

        if (before is null || after is null || before.Time == after.Time)
        {
            PositionRecord only = (before ?? after)!;
            return (only, (at - only.Time).Duration(), false);
        }

        TimeSpan toBefore = at - before.Time;
        TimeSpan toAfter = after.Time - at;
        double f = toBefore / (after.Time - before.Time);
        PositionRecord nearer = toBefore <= toAfter ? before : after;
        PositionRecord record = nearer with
        {
            Time = at,
            Latitude = Lerp(before.Latitude, after.Latitude, f),
            Longitude = Lerp(before.Longitude, after.Longitude, f),
            AltitudeMsl = Lerp(before.AltitudeMsl, after.AltitudeMsl, f),
            GridNorthing = Lerp(before.GridNorthing, after.GridNorthing, f),
            GridEasting = Lerp(before.GridEasting, after.GridEasting, f),
            ParkEast = Lerp(before.ParkEast, after.ParkEast, f),
            ParkNorth = Lerp(before.ParkNorth, after.ParkNorth, f),
        };
        return (record, toBefore < toAfter ? toBefore : toAfter, true);

        // A value that only one side has is not invented: the nearer epoch's stands.
        double? Lerp(double? a, double? b, double t) => a is { } x && b is { } y ? x + ((y - x) * t) : (t <= 0.5 ? a : b);
    }

    private (DateTime Since, DateTime Until) Range(Timestamp? start, Timestamp? end)
    {
        if (start is null)
        {
            throw Invalid("start_time is required");
        }

        DateTime since = start.ToDateTime();
        DateTime until = end?.ToDateTime() ?? _time.GetUtcNow().UtcDateTime;
        if (until <= since)
        {
            throw Invalid("end_time must be after start_time");
        }

        return (since, until);
    }

    private IHistoryStore Store() => _history.Store
        ?? throw new RpcException(new Status(StatusCode.FailedPrecondition, "history is off on this service (BeidouHub:History:Enabled=false)"));

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));

    // The store cannot answer now (the database server down, the file not created yet, locked):
    // UNAVAILABLE, which clients retry, with what the store said; not UNKNOWN.
    private static RpcException StoreUnavailable(System.Data.Common.DbException e) =>
        new(new Status(StatusCode.Unavailable, $"history store: {e.Message}"));
}
