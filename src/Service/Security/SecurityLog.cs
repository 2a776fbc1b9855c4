namespace BeidouHub.Service.Security;

/// <summary>
/// The audit lines (category <c>BeidouHub.Audit</c>): authentication failures (rate-limited per
/// peer; a key's public id at most, never the key), streams opened and closed with their
/// application, revocations and reloads of the access configuration.
/// </summary>
internal static partial class SecurityLog
{
    [LoggerMessage(EventId = 400, Level = LogLevel.Warning, Message = "authentication failed: {Method} from {Peer}: {Reason}")]
    public static partial void AuthenticationFailed(ILogger logger, string method, string peer, string reason);

    [LoggerMessage(EventId = 401, Level = LogLevel.Warning, Message = "authentication failures from {Peer}: {Count} this minute; further ones are not logged until {Until:O}")]
    public static partial void FailuresQuiet(ILogger logger, string peer, int count, DateTimeOffset until);

    [LoggerMessage(EventId = 402, Level = LogLevel.Warning, Message = "{Peer} refused until {Until:O}: {Limit} bad credentials within a minute")]
    public static partial void PeerLimited(ILogger logger, string peer, int limit, DateTimeOffset until);

    [LoggerMessage(EventId = 403, Level = LogLevel.Information, Message = "stream opened: {Method} by {Application} ({Credential}) from {Peer}")]
    public static partial void StreamOpened(ILogger logger, string method, string application, string credential, string peer);

    [LoggerMessage(EventId = 404, Level = LogLevel.Information, Message = "stream closed: {Method} by {Application} from {Peer}: {Status} after {Seconds} s")]
    public static partial void StreamClosed(ILogger logger, string method, string application, string peer, string status, double seconds);

    [LoggerMessage(EventId = 405, Level = LogLevel.Warning, Message = "stream ended: {Method} by {Application} from {Peer}: {Reason}")]
    public static partial void StreamRevoked(ILogger logger, string method, string application, string peer, string reason);

    [LoggerMessage(EventId = 406, Level = LogLevel.Information, Message = "access configuration: {Summary}")]
    public static partial void Reloaded(ILogger logger, string summary);

    [LoggerMessage(EventId = 407, Level = LogLevel.Error, Message = "access configuration change not applied (the previous one stays in force): {Problem}")]
    public static partial void ReloadRejected(ILogger logger, string problem);

    [LoggerMessage(EventId = 408, Level = LogLevel.Warning, Message = "permission denied: {Method} by {Application} from {Peer}: {Reason}")]
    public static partial void PermissionDenied(ILogger logger, string method, string application, string peer, string reason);
}
