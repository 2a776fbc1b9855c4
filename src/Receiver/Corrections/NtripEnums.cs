namespace BeidouHub.Receiver.Corrections;

/// <summary>The NTRIP request the client sends.</summary>
public enum NtripVersion
{
    /// <summary>NTRIP 1.0 (RTCM 10410.0): <c>GET /MOUNT HTTP/1.0</c>, the caster answers <c>ICY 200 OK</c>. Every caster takes it.</summary>
    V1 = 1,

    /// <summary>
    /// NTRIP 2.0 (RTCM 10410.1): HTTP/1.1 with <c>Ntrip-Version: Ntrip/2.0</c>, the data usually
    /// chunked. A caster that only knows 1.0 answers <c>ICY 200 OK</c>, which the client takes too.
    /// </summary>
    V2 = 2,
}

/// <summary>Where a correction stream stands.</summary>
public enum CasterState
{
    /// <summary>Not started.</summary>
    Idle,

    /// <summary>No position from the receiver yet: casters ban clients that connect without sending one.</summary>
    WaitingForPosition,

    /// <summary>Connecting (TCP, TLS, the request).</summary>
    Connecting,

    /// <summary>The caster sends corrections.</summary>
    Streaming,

    /// <summary>Lost or refused; trying again after a backoff.</summary>
    Disconnected,

    /// <summary>The caster refused the credentials (401/403, or <c>ERROR - Bad Password</c>); trying again after the longest backoff.</summary>
    Unauthorized,

    /// <summary>The caster has no such mountpoint (it answered with its source table, or 404); trying again after the longest backoff.</summary>
    MountpointMissing,

    /// <summary>Stopped with the service.</summary>
    Stopped,
}
