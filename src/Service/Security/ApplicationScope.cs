using System.Globalization;
using BeidouHub.Protocol.V1;
using BeidouHub.Service.Api;
using Google.Protobuf.Collections;
using Grpc.Core;

namespace BeidouHub.Service.Security;

/// <summary>The API parts an application may call (configuration names: positions, sky, zones, receivers).</summary>
[Flags]
internal enum ApiParts
{
    None = 0,

    /// <summary>StreamPositions, GetLatestPositions, StreamAlerts; History.QueryTrack, History.PositionAt.</summary>
    Positions = 1,

    /// <summary>StreamSky.</summary>
    Sky = 2,

    /// <summary>StreamZoneEvents, ListZones; History.QueryZoneEvents, History.ZoneOccupancy.</summary>
    Zones = 4,

    /// <summary>ListReceivers, WatchReceivers.</summary>
    Receivers = 8,

    All = Positions | Sky | Zones | Receivers,
}

/// <summary>The coordinates an application may see (configuration names: geodetic, grid, park, gcj02, bd09).</summary>
[Flags]
internal enum CoordinateParts
{
    None = 0,

    /// <summary>CGCS2000 latitude/longitude (the fields every Position otherwise carries).</summary>
    Geodetic = 1,
    Grid = 2,
    Park = 4,
    Gcj02 = 8,
    Bd09 = 16,
    All = Geodetic | Grid | Park | Gcj02 | Bd09,
}

/// <summary>
/// What one caller may see, resolved once per call (API key: its application's scope, built when
/// the configuration was read; JWT: the token's claims) and intersected with each request before
/// anything reaches the hub. Checks throw the status the client gets: PERMISSION_DENIED for
/// anything out of scope (never a silently empty stream), INVALID_ARGUMENT for oversized requests.
/// </summary>
internal sealed class ApplicationScope
{
    /// <summary>Ids per request field at most: a filter is a set the hub holds for the stream's life.</summary>
    public const int MaxIdsPerRequest = 1000;

    /// <summary>Characters per id at most.</summary>
    public const int MaxIdLength = 256;

    /// <summary>The scope of every caller while no application and no JWT issuer is configured.</summary>
    public static readonly ApplicationScope Open = new("(open)", IdScope.All, IdScope.All, ApiParts.All, CoordinateParts.All, maxRateHz: 0, expiresAt: null);

    public ApplicationScope(string applicationId, IdScope receivers, IdScope zones, ApiParts apis, CoordinateParts coordinates, double maxRateHz, DateTimeOffset? expiresAt)
    {
        ApplicationId = applicationId;
        Receivers = receivers;
        Zones = zones;
        Apis = apis;
        Coordinates = coordinates;
        MaxRateHz = maxRateHz;
        ExpiresAt = expiresAt;
        Fingerprint = string.Create(CultureInfo.InvariantCulture, $"{applicationId}|r={receivers}|z={zones}|a={(int)apis}|c={(int)coordinates}|hz={maxRateHz:R}");
    }

    public string ApplicationId { get; }

    public IdScope Receivers { get; }

    public IdScope Zones { get; }

    public ApiParts Apis { get; }

    public CoordinateParts Coordinates { get; }

    /// <summary>Positions per receiver per second at most; 0: no cap.</summary>
    public double MaxRateHz { get; }

    /// <summary>When the credential stops being valid (open streams end then); null: never.</summary>
    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>Everything but the expiry: an open stream whose application's fingerprint changed on reload is ended.</summary>
    public string Fingerprint { get; }

    public bool IsOpen => ReferenceEquals(this, Open);

    /// <summary>
    /// The receivers of a request: the ids it names (each must be in scope), or, when it names
    /// none, all receivers of the scope. Returns what the filter needs: an exact set, or a
    /// predicate for patterns (receivers that appear later and match are included), or neither
    /// (every receiver).
    /// </summary>
    public ScopedIds ReceiversOf(RepeatedField<string> requested) => Resolve(requested, Receivers, "receiver", "receiver_ids");

    /// <summary>The zones of a zone-event request, like <see cref="ReceiversOf"/>.</summary>
    public ScopedIds ZonesOf(RepeatedField<string> requested) => Resolve(requested, Zones, "zone", "zone_ids");

    /// <summary>Zone ids a position request filters on: each must be in scope; none is no zone filter.</summary>
    public void RequireZones(RepeatedField<string> requested) => CheckNamed(requested, Zones, "zone", "zone_ids");

    /// <summary>The requested rate, capped at the application's maximum (0 asks for every epoch).</summary>
    public double CapRate(double requestedHz) =>
        MaxRateHz <= 0 ? requestedHz
        : requestedHz <= 0 ? MaxRateHz
        : Math.Min(requestedHz, MaxRateHz);

    /// <summary>
    /// The message shape for a request: each coordinate system asked for must be in scope;
    /// latitude/longitude (always present in the API) are left out when geodetic is not, and the
    /// zone ids a position carries are narrowed to the zones in scope.
    /// </summary>
    public PositionShape ShapeOf(RepeatedField<CoordinateSystem> requested, bool satellites)
    {
        if (requested.Count > 8)
        {
            throw Invalid("coordinates: at most 8 entries");
        }

        foreach (CoordinateSystem c in requested)
        {
            CoordinateParts part = c switch
            {
                CoordinateSystem.Grid => CoordinateParts.Grid,
                CoordinateSystem.Park => CoordinateParts.Park,
                CoordinateSystem.Gcj02 => CoordinateParts.Gcj02,
                CoordinateSystem.Bd09 => CoordinateParts.Bd09,
                _ => CoordinateParts.None,
            };
            if (part != CoordinateParts.None && (Coordinates & part) == 0)
            {
                throw Denied($"application '{ApplicationId}' may not see {CoordinateName(part)} coordinates (its scope: {CoordinateNames(Coordinates)})");
            }
        }

        return PositionShape.From(requested, satellites) with
        {
            Geodetic = (Coordinates & CoordinateParts.Geodetic) != 0,
            Zones = Zones.IsAll ? null : Zones,
        };
    }

    public static string CoordinateName(CoordinateParts part) => part switch
    {
        CoordinateParts.Geodetic => "geodetic",
        CoordinateParts.Grid => "grid",
        CoordinateParts.Park => "park",
        CoordinateParts.Gcj02 => "gcj02",
        CoordinateParts.Bd09 => "bd09",
        _ => part.ToString(),
    };

    public static string CoordinateNames(CoordinateParts parts) => parts == CoordinateParts.None ? "none"
        : string.Join(", ", Enum.GetValues<CoordinateParts>().Where(p => p is not (CoordinateParts.None or CoordinateParts.All) && (parts & p) != 0).Select(CoordinateName));

    public static string ApiNames(ApiParts parts) => parts == ApiParts.None ? "none"
        : string.Join(", ", Enum.GetValues<ApiParts>().Where(p => p is not (ApiParts.None or ApiParts.All) && (parts & p) != 0).Select(p => p.ToString().ToLowerInvariant()));

    public static RpcException Denied(string message) => new(new Status(StatusCode.PermissionDenied, message));

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));

    private ScopedIds Resolve(RepeatedField<string> requested, IdScope scope, string what, string field)
    {
        if (requested.Count > 0)
        {
            CheckNamed(requested, scope, what, field);
            return new ScopedIds(requested, null);
        }

        if (scope.IsAll)
        {
            return new ScopedIds([], null);
        }

        if (scope.IsEmpty)
        {
            throw Denied($"application '{ApplicationId}' has no {what}s in its scope");
        }

        return scope.ExactOnly is { } exact ? new ScopedIds(exact, null) : new ScopedIds([], scope.Matches);
    }

    private void CheckNamed(RepeatedField<string> requested, IdScope scope, string what, string field)
    {
        if (requested.Count > MaxIdsPerRequest)
        {
            throw Invalid($"{field}: {requested.Count} ids, at most {MaxIdsPerRequest} per request");
        }

        List<string>? outside = null;
        foreach (string id in requested)
        {
            if (id.Length > MaxIdLength)
            {
                throw Invalid($"{field}: an id of {id.Length} characters, at most {MaxIdLength}");
            }

            if (!scope.Matches(id))
            {
                (outside ??= []).Add(id);
            }
        }

        if (outside is not null)
        {
            string named = string.Join(", ", outside.Take(5).Select(id => $"'{id}'")) + (outside.Count > 5 ? $" and {outside.Count - 5} more" : "");
            throw Denied($"application '{ApplicationId}' may not see {what} {named}");
        }
    }
}

/// <summary>
/// A request's ids resolved against a scope, for a hub filter: <see cref="Ids"/> exact (empty:
/// no id filter), and when the scope has patterns, <see cref="Matches"/> (null: none).
/// </summary>
internal readonly record struct ScopedIds(IReadOnlyCollection<string> Ids, Func<string, bool>? Matches)
{
    /// <summary>One predicate for the sky and zone-event filters (null: every id).</summary>
    public Func<string, bool>? Predicate()
    {
        if (Matches is not null)
        {
            return Matches;
        }

        if (Ids.Count == 0)
        {
            return null;
        }

        var set = new HashSet<string>(Ids, StringComparer.Ordinal);
        return set.Contains;
    }
}
