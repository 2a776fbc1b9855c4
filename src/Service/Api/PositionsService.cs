using BeidouHub.Protocol.V1;
using BeidouHub.Service.Hub;
using BeidouHub.Service.Security;
using Google.Protobuf.WellKnownTypes;
using System.Threading.Channels;
using Grpc.Core;

namespace BeidouHub.Service.Api;

/// <summary>
/// beidouhub.v1.Positions: thin over the hub; every stream honours the call's cancellation. Bound
/// by <see cref="PositionsBinding"/>, so StreamPositions writes each shared message's bytes as
/// serialised once (<see cref="PositionWire"/>).
/// </summary>
[BindServiceMethod(typeof(PositionsBinding), nameof(PositionsBinding.BindService))]
internal sealed partial class PositionsService : Positions.PositionsBase
{
    private readonly PositionHub _hub;
    private readonly GeoPipeline _geo;
    private readonly ILogger<PositionsService> _logger;
    private readonly Metrics.ServiceMetrics _metrics;

    public PositionsService(PositionHub hub, GeoPipeline geo, Metrics.ServiceMetrics metrics, ILogger<PositionsService> logger)
    {
        _hub = hub;
        _geo = geo;
        _metrics = metrics;
        _logger = logger;
    }

    public override Task<ListZonesResponse> ListZones(ListZonesRequest request, ServerCallContext context)
    {
        // Zones in scope; their plane rings with park or grid coordinates in scope, their
        // latitude/longitude with those: a zone's outline says where it is as a position would.
        ApplicationScope scope = context.Access().Scope;
        bool plane = (scope.Coordinates & (CoordinateParts.Park | CoordinateParts.Grid)) != 0;
        bool geodetic = (scope.Coordinates & CoordinateParts.Geodetic) != 0;
        var response = new ListZonesResponse { Plane = _geo.Park is null ? "grid" : "park", GridName = _geo.Grid.Name };
        foreach (Geo.Zones.ZoneOutline outline in _geo.Zones.Outlines.Where(z => scope.Zones.Matches(z.Id)))
        {
            var zone = new Zone { Id = outline.Id, DwellSeconds = outline.DwellSeconds };
            IReadOnlyList<double[]>? lonLat = geodetic ? outline.ToGeodetic() : null;
            for (int i = 0; i < outline.Rings.Count; i++)
            {
                var ring = new ZoneRing();
                if (plane)
                {
                    ring.Xy.AddRange(outline.Rings[i]);
                }

                if (lonLat is not null)
                {
                    ring.LonLat.AddRange(lonLat[i]);
                }

                zone.Rings.Add(ring);
            }

            response.Zones.Add(zone);
        }

        return Task.FromResult(response);
    }

    public override async Task StreamPositions(StreamPositionsRequest request, IServerStreamWriter<Position> responseStream, ServerCallContext context)
    {
        if (request.MaxRateHz < 0 || double.IsNaN(request.MaxRateHz))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "max_rate_hz must be 0 (every epoch) or positive"));
        }

        // The request intersected with the caller's scope, before the hub sees it: the filter
        // compares receiver ids as it would without a scope (an exact set), or runs the scope's
        // pattern match for a request that names no receivers.
        CallAccess access = context.Access();
        ApplicationScope scope = access.Scope;
        ScopedIds receivers = scope.ReceiversOf(request.ReceiverIds);
        scope.RequireZones(request.ZoneIds);
        PositionShape shape = scope.ShapeOf(request.Coordinates, request.IncludeSatellites);
        var filter = new PositionFilter(receivers.Ids, request.ZoneIds, (int)request.MinQuality, scope.CapRate(request.MaxRateHz), request.Delivery == Delivery.Early, receivers.Matches);
        using Subscription<PositionUpdate> sub = _hub.SubscribePositions(filter);
        await Pump(sub, u => ProtoMapping.ToSharedProto(u, shape, sub.TakeDropped()), responseStream, context, access.Revoked).ConfigureAwait(false);
    }

    public override Task<GetLatestPositionsResponse> GetLatestPositions(GetLatestPositionsRequest request, ServerCallContext context)
    {
        ApplicationScope scope = context.Access().Scope;
        ScopedIds receivers = scope.ReceiversOf(request.ReceiverIds);
        PositionShape shape = scope.ShapeOf(request.Coordinates, satellites: false);
        var response = new GetLatestPositionsResponse();
        DateTimeOffset now = _hub.Time.GetUtcNow();
        IEnumerable<PositionUpdate> latest = receivers.Ids.Count == 0
            ? _hub.Latest.Where(u => receivers.Matches is null || receivers.Matches(u.ReceiverId))
            : receivers.Ids.Select(id => _hub.TryGetLatest(id, out PositionUpdate? u) ? u : null).OfType<PositionUpdate>();
        foreach (PositionUpdate u in latest)
        {
            Position p = ProtoMapping.ToProto(u, shape, dropped: 0);
            p.Age = Duration.FromTimeSpan(now - u.PublishedAt);
            response.Positions.Add(p);
        }

        return Task.FromResult(response);
    }

    public override async Task StreamSky(StreamSkyRequest request, IServerStreamWriter<SkyView> responseStream, ServerCallContext context)
    {
        CallAccess access = context.Access();
        Func<string, bool>? receivers = access.Scope.ReceiversOf(request.ReceiverIds).Predicate();
        using Subscription<SkyUpdate> sub = _hub.SubscribeSky(u => receivers is null || receivers(u.ReceiverId));
        await Pump(sub, u => ProtoMapping.ToProto(u, sub.TakeDropped()), responseStream, context, access.Revoked).ConfigureAwait(false);
    }

    public override async Task StreamZoneEvents(StreamZoneEventsRequest request, IServerStreamWriter<Protocol.V1.ZoneEvent> responseStream, ServerCallContext context)
    {
        // Only zones in scope, of receivers in scope; the event's park position only with park coordinates in scope.
        CallAccess access = context.Access();
        ApplicationScope scope = access.Scope;
        Func<string, bool>? zones = scope.ZonesOf(request.ZoneIds).Predicate();
        Func<string, bool>? receivers = scope.ReceiversOf(request.ReceiverIds).Predicate();
        bool park = (scope.Coordinates & CoordinateParts.Park) != 0;
        using Subscription<ZoneUpdate> sub = _hub.SubscribeZones(u =>
            (zones is null || zones(u.Event.ZoneId)) && (receivers is null || receivers(u.Event.ReceiverId)));
        await Pump(sub, u => ProtoMapping.ToProto(u, sub.TakeDropped(), park), responseStream, context, access.Revoked).ConfigureAwait(false);
    }

    public override async Task StreamAlerts(StreamAlertsRequest request, IServerStreamWriter<AlertEvent> responseStream, ServerCallContext context)
    {
        // An alert shows with its receivers in scope only; one with none in scope is not shown.
        CallAccess access = context.Access();
        Func<string, bool>? receivers = access.Scope.ReceiversOf(request.ReceiverIds).Predicate();
        using Subscription<Integrity.AlertUpdate> sub = _hub.SubscribeAlerts(u => receivers is null || u.Alert.Receivers.Any(receivers));
        await Pump(sub, u => ProtoMapping.ToProto(u, receivers, sub.TakeDropped()), responseStream, context, access.Revoked).ConfigureAwait(false);
    }

    // Moves a subscription's queue to the client until the client goes, the hub ends the stream
    // (slow subscriber, shutdown), or the call is cancelled.
    // A revoked or expired credential cancels the pump; the access interceptor turns that into
    // UNAUTHENTICATED.
    private async Task Pump<TUpdate, TMessage>(Subscription<TUpdate> sub, Func<TUpdate, TMessage> map, IServerStreamWriter<TMessage> stream, ServerCallContext context, CancellationToken revoked)
        where TUpdate : class
    {
        // Waiting ends on any of them. A write is cancelled only when the client is gone or the
        // hub's grace for a stuck writer is over: grpc-dotnet aborts the HTTP/2 stream when a
        // write's token fires mid-write, and the client would see CANCELLED instead of the status
        // the service ends the stream with (UNAUTHENTICATED for a revoked key), so a revocation
        // stops the pump between writes.
        using var both = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, sub.Ended, revoked);
        using var writes = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, sub.Ended);
        CancellationToken cancel = both.Token;
        sub.Label = $"{context.Access().Scope.ApplicationId} {context.Peer}";
        try
        {
            // A burst (a thousand receivers' epochs at the same GPS instant) goes out in one flush:
            // while more updates are already queued, a write only appends to the response; the
            // burst's last write flushes to the socket.
            ChannelReader<TUpdate> reader = sub.Reader;
            while (await reader.WaitToReadAsync(cancel).ConfigureAwait(false))
            {
                while (reader.TryRead(out TUpdate? update))
                {
                    cancel.ThrowIfCancellationRequested();
                    stream.WriteOptions = reader.Count > 0 ? Buffered : null;
                    if (update is PositionUpdate position)
                    {
                        _metrics.HandedOver(position);
                    }

                    await stream.WriteAsync(map(update), writes.Token).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is SlowSubscriberException || (e is OperationCanceledException && sub.EndReason is SlowSubscriberException))
        {
            string reason = (sub.EndReason ?? e).Message;
            LogSlow(_logger, context.Peer, reason);
            throw new RpcException(new Status(StatusCode.ResourceExhausted, reason));
        }
        catch (Exception e) when (e is ShutdownException || (e is OperationCanceledException && sub.EndReason is ShutdownException))
        {
            throw new RpcException(new Status(StatusCode.Unavailable, (sub.EndReason ?? e).Message));
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The client went away; the using releases the subscription.
        }
    }

    private static readonly WriteOptions Buffered = new(WriteFlags.BufferHint);

    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "Ended slow subscriber {Peer}: {Reason}")]
    private static partial void LogSlow(ILogger logger, string peer, string reason);
}

/// <summary>The service is stopping: streams end with UNAVAILABLE so clients know to reconnect.</summary>
internal sealed class ShutdownException() : Exception("BeidouHub is shutting down");
