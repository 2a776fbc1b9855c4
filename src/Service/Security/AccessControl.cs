using System.Globalization;
using BeidouHub.Service.Configuration;
using Grpc.Core;
using Microsoft.Extensions.Primitives;

namespace BeidouHub.Service.Security;

/// <summary>How a caller proved who it is.</summary>
internal enum CredentialKind
{
    /// <summary>Nothing: the service is open (no applications, no JWT configured).</summary>
    Open,
    ApiKey,
    Jwt,

    /// <summary>A client certificate (mTLS) whose thumbprint an application lists.</summary>
    Certificate,
}

/// <summary>
/// The outcome of authenticating one call: its scope, and what to check the credential against
/// when the configuration changes (<see cref="Version"/>: the key's configured hash, the JWT
/// settings' fingerprint, or the certificate's thumbprint; <see cref="Certificate"/> for a client
/// certificate, whose own NotAfter ends the grant too).
/// </summary>
internal sealed record Grant(ApplicationScope Scope, CredentialKind Kind, string? KeyId, string Version, ClientCertificate? Certificate = null)
{
    public static Grant Open { get; } = new(ApplicationScope.Open, CredentialKind.Open, null, "");

    /// <summary>The credential as audit lines name it: a key's public id, a certificate's thumbprint prefix and subject; never a secret.</summary>
    public string Credential => Kind switch
    {
        CredentialKind.ApiKey => "key " + KeyId,
        CredentialKind.Jwt => "JWT",
        CredentialKind.Certificate => Certificate!.Description,
        _ => "no credential",
    };
}

/// <summary>
/// The access configuration in force and the streams it admitted. When the configuration changes
/// (appsettings.json edited: keys added, rotated, revoked) the new state replaces the old as a
/// whole, and every open stream is checked against it at once: a stream whose key is gone ends
/// with UNAUTHENTICATED, one whose application's scope changed with UNAVAILABLE (reconnect for the
/// new scope), all others go on untouched. A stream also ends with UNAUTHENTICATED when its
/// credential expires (application <c>Expires</c>, token <c>exp</c>), on a timer of the service's
/// <see cref="TimeProvider"/>. A configuration that does not check out is not applied: the
/// previous one stays, and the log says why.
/// </summary>
internal sealed class AccessControl : IDisposable
{
    private readonly IConfiguration? _configuration;
    private readonly bool _exposed;
    private readonly bool _clientCertificates;
    private readonly TimeProvider _time;
    private readonly ILogger _audit;
    private readonly HashSet<StreamLease> _leases = [];
    private readonly IDisposable? _reloads;
    private volatile SecurityState _current;

    /// <param name="configuration">Watched for changes; null: the state never changes (tests).</param>
    /// <param name="exposed">The service listens on a non-loopback address: a reload that would leave it without credentials (and without AllowAnonymous) is refused.</param>
    /// <param name="clientCertificates">The endpoint asks clients for certificates (fixed at start): a reload that pins certificates without it is refused.</param>
    public AccessControl(SecurityState initial, IConfiguration? configuration, bool exposed, bool clientCertificates, TimeProvider time, ILoggerFactory logs)
    {
        _current = initial;
        _configuration = configuration;
        _exposed = exposed;
        _clientCertificates = clientCertificates;
        _time = time;
        _audit = logs.CreateLogger("BeidouHub.Audit");
        if (configuration is not null)
        {
            _reloads = ChangeToken.OnChange(configuration.GetReloadToken, Reload);
        }
    }

    public SecurityState Current => _current;

    public TimeProvider Time => _time;

    /// <summary>Raised after a new state is in force (the JWT options are rebuilt from it).</summary>
    public event Action<SecurityState>? Changed;

    public int OpenStreams
    {
        get
        {
            lock (_leases)
            {
                return _leases.Count;
            }
        }
    }

    /// <summary>A non-loopback service with no credentials refuses to start (or reload) unless AllowAnonymous says it may.</summary>
    public static string? ExposureError(SecurityState state, bool exposed) =>
        exposed && state.IsOpen && !state.AllowAnonymous
            ? "BeidouHub: listening beyond loopback with no BeidouHub:Applications and no BeidouHub:Jwt would let every client on the network read every receiver; configure applications (README: Securing the service) or set BeidouHub:AllowAnonymous=true"
            : null;

    /// <summary>Reads the access sections again and applies them if they check out.</summary>
    public void Reload()
    {
        if (_configuration is null)
        {
            return;
        }

        List<string> errors;
        SecurityState? next;
        try
        {
            IConfigurationSection section = _configuration.GetSection(SecurityConfig.Section);
            List<ApplicationConfig> applications = section.GetSection(nameof(BeidouHubOptions.Applications)).Get<List<ApplicationConfig>>() ?? [];
            JwtConfig? jwt = section.GetSection(nameof(BeidouHubOptions.Jwt)).Get<JwtConfig>();
            bool allowAnonymous = section.GetValue<bool>(nameof(BeidouHubOptions.AllowAnonymous));
            errors = SecurityConfig.Build(applications, jwt, allowAnonymous, _clientCertificates, out next);
        }
        catch (InvalidOperationException e)
        {
            errors = [$"configuration: {e.Message}"];
            next = null;
        }

        if (next is not null && ExposureError(next, _exposed) is { } exposure)
        {
            errors.Add(exposure);
        }

        // An editor that truncates the file before writing it, or a half-copied file, looks like a
        // configuration without applications: that must not open a secured service to everyone.
        if (next is not null && next.IsOpen && !_current.IsOpen)
        {
            errors.Add("BeidouHub: the change removes every application and the JWT settings, which would let every client see everything; to run the service open, restart it so configured");
        }

        if (next is null || errors.Count > 0)
        {
            foreach (string line in errors)
            {
                SecurityLog.ReloadRejected(_audit, line);
            }

            return;
        }

        Apply(next);
    }

    /// <summary>Puts a new state in force and checks every open stream against it.</summary>
    public void Apply(SecurityState next)
    {
        SecurityState previous = Interlocked.Exchange(ref _current, next);
        if (previous.Fingerprint == next.Fingerprint)
        {
            return;
        }

        SecurityLog.Reloaded(_audit, next.Summary);
        Changed?.Invoke(next);
        StreamLease[] open;
        lock (_leases)
        {
            open = [.. _leases];
        }

        foreach (StreamLease lease in open)
        {
            Recheck(lease, next);
        }
    }

    /// <summary>Registers a stream for the life of its call (audit lines, revocation, expiry).</summary>
    public StreamLease Open(Grant grant, string method, string peer)
    {
        var lease = new StreamLease(this, grant, method, peer, _time.GetTimestamp());
        lock (_leases)
        {
            _leases.Add(lease);
        }

        SecurityLog.StreamOpened(_audit, method, grant.Scope.ApplicationId, grant.Credential, peer);

        // A reload between the authentication and here is caught now.
        Recheck(lease, _current);
        return lease;
    }

    public void Dispose() => _reloads?.Dispose();

    internal void Close(StreamLease lease)
    {
        lock (_leases)
        {
            _leases.Remove(lease);
        }

        double seconds = Math.Round(_time.GetElapsedTime(lease.Started).TotalSeconds, 1);
        string how = (lease.EndStatus?.StatusCode ?? lease.Outcome)?.ToString() ?? "ended";
        SecurityLog.StreamClosed(_audit, lease.Method, lease.Grant.Scope.ApplicationId, lease.Peer, how, seconds);
    }

    /// <summary>Whether a credential still holds in a state: null when it does, else the status its streams end with.</summary>
    internal Status? Check(Grant grant, SecurityState state, out DateTimeOffset? expiresAt)
    {
        expiresAt = grant.Scope.ExpiresAt;
        switch (grant.Kind)
        {
            case CredentialKind.Open:
                return state.IsOpen ? null : new Status(StatusCode.Unauthenticated, "the service now requires a credential (authorization: Bearer <key or token>)");
            case CredentialKind.ApiKey:
                if (!state.Keys.TryGetValue(grant.KeyId!, out ConfiguredKey? key) || key.Hash.Text != grant.Version || key.Application.Id != grant.Scope.ApplicationId)
                {
                    return new Status(StatusCode.Unauthenticated, $"key {grant.KeyId} was revoked");
                }

                if (key.Application.Scope.Fingerprint != grant.Scope.Fingerprint)
                {
                    return new Status(StatusCode.Unavailable, $"the scope of application '{grant.Scope.ApplicationId}' changed; reconnect to stream with the new scope");
                }

                expiresAt = key.Application.Scope.ExpiresAt;
                break;
            case CredentialKind.Jwt:
                if (state.Jwt?.Fingerprint != grant.Version)
                {
                    return new Status(StatusCode.Unauthenticated, "the service's JWT settings changed; present a new token");
                }

                break;
            case CredentialKind.Certificate:
                if (!state.Certificates.TryGetValue(grant.Version, out ConfiguredCertificate? pinned) || pinned.Application.Id != grant.Scope.ApplicationId)
                {
                    return new Status(StatusCode.Unauthenticated, $"{grant.Credential} was revoked (no longer in application '{grant.Scope.ApplicationId}''s Certificates)");
                }

                if (pinned.Application.Scope.Fingerprint != grant.Scope.Fingerprint)
                {
                    return new Status(StatusCode.Unavailable, $"the scope of application '{grant.Scope.ApplicationId}' changed; reconnect to stream with the new scope");
                }

                // The certificate's own end of validity, or the application's Expires, whichever is first.
                expiresAt = pinned.Application.Scope.ExpiresAt is { } applicationExpires && applicationExpires < grant.Certificate!.NotAfter
                    ? applicationExpires
                    : grant.Certificate!.NotAfter;
                break;
        }

        return expiresAt is { } at && _time.GetUtcNow() >= at ? Expired(at) : null;
    }

    internal static Status Expired(DateTimeOffset at) =>
        new(StatusCode.Unauthenticated, string.Create(CultureInfo.InvariantCulture, $"credential expired at {at.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}"));

    private void Recheck(StreamLease lease, SecurityState state)
    {
        if (Check(lease.Grant, state, out DateTimeOffset? expiresAt) is { } status)
        {
            if (lease.End(status))
            {
                SecurityLog.StreamRevoked(_audit, lease.Method, lease.Grant.Scope.ApplicationId, lease.Peer, status.Detail);
            }
        }
        else
        {
            lease.ExpireAt(expiresAt, _time);
        }
    }
}

/// <summary>
/// One open stream's standing: <see cref="Ended"/> is cancelled when its credential is revoked or
/// expires, and <see cref="EndStatus"/> is the status the call then ends with.
/// </summary>
internal sealed class StreamLease : IDisposable
{
    /// <summary>The longest expiry timer: a step of a later expiry.</summary>
    internal static readonly TimeSpan MaxTimer = TimeSpan.FromDays(30);

    private readonly AccessControl _owner;
    private readonly CancellationTokenSource _ended = new();
    private readonly Lock _lock = new();
    private ITimer? _expiry;
    private DateTimeOffset? _expiresAt;
    private bool _disposed;

    internal StreamLease(AccessControl owner, Grant grant, string method, string peer, long started)
    {
        _owner = owner;
        Grant = grant;
        Method = method;
        Peer = peer;
        Started = started;
    }

    public Grant Grant { get; }

    public string Method { get; }

    public string Peer { get; }

    public long Started { get; }

    public CancellationToken Ended => _ended.Token;

    public Status? EndStatus { get; private set; }

    /// <summary>How the call ended otherwise (for the audit line): OK, Cancelled by the client, or the status the service ended it with.</summary>
    public StatusCode? Outcome { get; set; }

    /// <summary>Ends the stream with a status; false when it had already ended (or finished).</summary>
    public bool End(Status status)
    {
        lock (_lock)
        {
            if (_disposed || EndStatus is not null)
            {
                return false;
            }

            EndStatus = status;
            _expiry?.Dispose();
            _expiry = null;
        }

        // Outside the lock: cancelling runs the pump's registrations.
        try
        {
            _ended.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The call finished meanwhile.
        }

        return true;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _expiry?.Dispose();
            _expiry = null;
        }

        _owner.Close(this);
        _ended.Dispose();
    }

    internal void ExpireAt(DateTimeOffset? at, TimeProvider time)
    {
        lock (_lock)
        {
            if (_disposed || EndStatus is not null || at == _expiresAt)
            {
                return;
            }

            _expiresAt = at;
            _expiry?.Dispose();
            _expiry = null;
            if (at is not { } when)
            {
                return;
            }

            TimeSpan due = when - time.GetUtcNow();
            if (due > MaxTimer)
            {
                // A timer takes at most 2^32-2 ms (49.7 days): a later expiry (a certificate valid
                // for a year, an application's Expires) is reached in steps.
                _expiry = time.CreateTimer(_ => Rearm(when, time), null, MaxTimer, Timeout.InfiniteTimeSpan);
                return;
            }

            if (due > TimeSpan.Zero)
            {
                _expiry = time.CreateTimer(_ => End(AccessControl.Expired(when)), null, due, Timeout.InfiniteTimeSpan);
                return;
            }
        }

        End(AccessControl.Expired(at.Value));
    }

    private void Rearm(DateTimeOffset at, TimeProvider time)
    {
        lock (_lock)
        {
            if (_expiresAt != at)
            {
                return; // a reload moved it meanwhile
            }

            _expiresAt = null;
        }

        ExpireAt(at, time);
    }
}
