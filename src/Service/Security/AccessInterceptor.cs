using System.Net;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.IdentityModel.Tokens;

namespace BeidouHub.Service.Security;

/// <summary>
/// Every gRPC call but health passes here first: with no applications and no JWT configured the
/// call gets the open scope; otherwise the caller is authenticated (API key, JWT or client
/// certificate, through the <c>BeidouHub</c> authentication scheme), its application must be allowed the RPC, and the
/// call carries its <see cref="CallAccess"/> for the service to intersect the request with.
/// Streams hold a <see cref="StreamLease"/> for their life, so a revoked or expired credential
/// ends them with UNAUTHENTICATED. A peer with too many bad credentials in a minute is refused
/// before its credential is looked at.
/// </summary>
internal sealed class AccessInterceptor : Interceptor
{
    public const string PolicyScheme = "BeidouHub";

    private readonly AccessControl _access;
    private readonly FailureLimiter _limiter;
    private readonly ILogger _audit;

    public AccessInterceptor(AccessControl access, FailureLimiter limiter, ILoggerFactory logs)
    {
        _access = access;
        _limiter = limiter;
        _audit = logs.CreateLogger("BeidouHub.Audit");
    }

    /// <summary>What an RPC needs in an application's <c>Rpcs</c>; reflection needs only a valid credential.</summary>
    public static ApiParts Required(string method) => method switch
    {
        "/beidouhub.v1.Positions/StreamPositions" or "/beidouhub.v1.Positions/GetLatestPositions" or "/beidouhub.v1.Positions/StreamAlerts" => ApiParts.Positions,
        "/beidouhub.v1.Positions/StreamSky" => ApiParts.Sky,
        "/beidouhub.v1.Positions/StreamZoneEvents" or "/beidouhub.v1.Positions/ListZones" => ApiParts.Zones,
        "/beidouhub.v1.Receivers/ListReceivers" or "/beidouhub.v1.Receivers/WatchReceivers" => ApiParts.Receivers,
        "/beidouhub.v1.History/QueryTrack" or "/beidouhub.v1.History/PositionAt" => ApiParts.Positions,
        "/beidouhub.v1.History/QueryZoneEvents" or "/beidouhub.v1.History/ZoneOccupancy" => ApiParts.Zones,

        // A method of the API not listed above (added later, not yet mapped): only applications with "*".
        _ when method.StartsWith("/beidouhub.", StringComparison.Ordinal) => ApiParts.All,
        _ => ApiParts.None,
    };

    /// <summary>Health stays open: load balancers and orchestrators probe it without credentials.</summary>
    public static bool IsOpenMethod(string method) => method.StartsWith("/grpc.health.v1.Health/", StringComparison.Ordinal);

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (IsOpenMethod(context.Method))
        {
            return await continuation(request, context).ConfigureAwait(false);
        }

        Grant grant = await AuthorizeAsync(context).ConfigureAwait(false);
        context.UserState[typeof(CallAccess)] = new CallAccess(grant.Scope, lease: null);
        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.PermissionDenied)
        {
            Denied(context, grant, e.Status.Detail);
            throw;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        if (IsOpenMethod(context.Method))
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
            return;
        }

        Grant grant = await AuthorizeAsync(context).ConfigureAwait(false);
        using StreamLease lease = _access.Open(grant, context.Method, context.Peer);
        context.UserState[typeof(CallAccess)] = new CallAccess(grant.Scope, lease);
        try
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
            lease.Outcome = context.CancellationToken.IsCancellationRequested ? StatusCode.Cancelled : StatusCode.OK;
        }
        catch (OperationCanceledException) when (lease.EndStatus is { } status && !context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(status);
        }
        catch (OperationCanceledException)
        {
            lease.Outcome = StatusCode.Cancelled;
            throw;
        }
        catch (RpcException e)
        {
            lease.Outcome = e.StatusCode;
            if (e.StatusCode == StatusCode.PermissionDenied)
            {
                Denied(context, grant, e.Status.Detail);
            }

            throw;
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        if (!IsOpenMethod(context.Method))
        {
            Grant grant = await AuthorizeAsync(context).ConfigureAwait(false);
            context.UserState[typeof(CallAccess)] = new CallAccess(grant.Scope, lease: null);
        }

        return await continuation(requestStream, context).ConfigureAwait(false);
    }

    // Reflection (grpcurl's list/describe) and the standard health Watch.
    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        if (!IsOpenMethod(context.Method))
        {
            Grant grant = await AuthorizeAsync(context).ConfigureAwait(false);
            context.UserState[typeof(CallAccess)] = new CallAccess(grant.Scope, lease: null);
        }

        await continuation(requestStream, responseStream, context).ConfigureAwait(false);
    }

    private async Task<Grant> AuthorizeAsync(ServerCallContext context)
    {
        SecurityState state = _access.Current;
        if (state.IsOpen)
        {
            return Grant.Open;
        }

        HttpContext http = context.GetHttpContext();
        IPAddress peer = http.Connection.RemoteIpAddress ?? IPAddress.None;
        if (_limiter.IsLimited(peer, out DateTimeOffset until))
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"too many bad credentials from this address; refused until {until.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}"));
        }

        AuthenticateResult result = await http.AuthenticateAsync(PolicyScheme).ConfigureAwait(false);
        Grant? certificateGrant = null;
        if (result.Succeeded && result.Ticket.AuthenticationScheme == ClientCertificateSetup.Scheme)
        {
            // The scheme (and its cache) vouches for the chain; which application the certificate
            // is, is looked up now, in the configuration in force.
            certificateGrant = ClientCertificateSetup.Authenticate(http.Connection.ClientCertificate!, state, _access.Time, out string? refused);
            if (certificateGrant is null)
            {
                result = AuthenticateResult.Fail(new ClientCertificateException(refused!));
            }
        }

        string reason;
        if (result.Succeeded)
        {
            Grant? grant = certificateGrant
                ?? (result.Properties.Parameters.TryGetValue(ApiKeyAuthenticationHandler.GrantParameter, out object? g) ? (Grant?)g
                : state.Jwt is { } jwt ? JwtBearerSetup.FromClaims(result.Principal, jwt, out string? error) is { } fromClaims ? fromClaims : Fail(error!)
                : Fail("JWT is not configured"));
            ApiParts required = Required(context.Method);
            if ((grant!.Scope.Apis & required) != required)
            {
                string detail = $"application '{grant.Scope.ApplicationId}' may not call {context.Method} (its Rpcs: {ApplicationScope.ApiNames(grant.Scope.Apis)})";
                Denied(context, grant, detail);
                throw ApplicationScope.Denied(detail);
            }

            return grant;
        }

        reason = result.None ? "no credential" : Reason(result.Failure);

        // A refused client certificate passed the handshake's CA check: nobody guesses one.
        FailureLimiter.Logging logging = _limiter.RecordFailure(peer, countsTowardLimit: !result.None && result.Failure is not ClientCertificateException);
        if (logging == FailureLimiter.Logging.Log)
        {
            SecurityLog.AuthenticationFailed(_audit, context.Method, context.Peer, reason);
        }
        else if (logging == FailureLimiter.Logging.LogLast)
        {
            SecurityLog.FailuresQuiet(_audit, context.Peer, FailureLimiter.LoggedPerWindow + 1, _access.Time.GetUtcNow() + FailureLimiter.Window);
        }

        if (_limiter.IsLimited(peer, out until) && logging != FailureLimiter.Logging.Quiet)
        {
            SecurityLog.PeerLimited(_audit, context.Peer, FailureLimiter.Limit, until);
        }

        throw new RpcException(new Status(StatusCode.Unauthenticated, result.None
            ? "no credential: send the metadata 'authorization: Bearer <API key or JWT>'" + (state.Certificates.Count > 0 ? " or a client certificate an application lists" : "")
            : reason));

        Grant Fail(string why) => throw new RpcException(new Status(StatusCode.Unauthenticated, why));
    }

    private void Denied(ServerCallContext context, Grant grant, string detail)
    {
        IPAddress peer = context.GetHttpContext().Connection.RemoteIpAddress ?? IPAddress.None;
        if (_limiter.RecordFailure(peer, countsTowardLimit: false) == FailureLimiter.Logging.Log)
        {
            SecurityLog.PermissionDenied(_audit, context.Method, grant.Scope.ApplicationId, context.Peer, detail);
        }
    }

    // Short reasons for the log and the client: IdentityModel's own messages are long and hide
    // their details as PII.
    private static string Reason(Exception? failure) => failure switch
    {
        SecurityTokenExpiredException => "token expired",
        SecurityTokenNotYetValidException => "token not yet valid",
        SecurityTokenInvalidLifetimeException => "token lifetime not valid",
        SecurityTokenNoExpirationException => "token has no exp",
        SecurityTokenInvalidIssuerException => "token issuer not accepted",
        SecurityTokenInvalidAudienceException => "token audience not accepted",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "token signature does not verify with the configured keys",
        SecurityTokenInvalidAlgorithmException => "token algorithm not accepted",
        SecurityTokenMalformedException => "not a BeidouHub key nor a well-formed JWT",
        SecurityTokenException e => "token not valid: " + e.GetType().Name,
        null => "not authenticated",
        _ => failure.Message,
    };
}

/// <summary>What the access check decided for one call: the scope to intersect requests with, and for streams the lease that can end them.</summary>
internal sealed class CallAccess(ApplicationScope scope, StreamLease? lease)
{
    public ApplicationScope Scope { get; } = scope;

    /// <summary>Cancelled when the caller's credential is revoked or expires (streams only).</summary>
    public CancellationToken Revoked => lease?.Ended ?? CancellationToken.None;
}

/// <summary>Reads the call's access decision in a service method.</summary>
internal static class CallAccessExtensions
{
    /// <summary>The call's access; a call that did not pass the interceptor is refused (fail closed).</summary>
    public static CallAccess Access(this ServerCallContext context) =>
        context.UserState.TryGetValue(typeof(CallAccess), out object? access) && access is CallAccess a
            ? a
            : throw new RpcException(new Status(StatusCode.Internal, "no access decision for this call"));
}
