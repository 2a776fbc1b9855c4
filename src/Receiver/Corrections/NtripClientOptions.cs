using System.Net.Security;

namespace BeidouHub.Receiver.Corrections;

/// <summary>One correction stream: the caster, the mountpoint, the credentials, and how to behave.</summary>
public sealed record NtripClientOptions
{
    /// <summary>For logs and status: the receiver (or receivers) the stream serves.</summary>
    public required string Name { get; init; }

    /// <summary>The caster.</summary>
    public required NtripEndpoint Caster { get; init; }

    /// <summary>The mountpoint.</summary>
    public required string Mountpoint { get; init; }

    /// <summary>User for basic authentication; none: no Authorization header.</summary>
    public string? User { get; init; }

    /// <summary>Password for basic authentication.</summary>
    public string? Password { get; init; }

    /// <summary>The request's NTRIP version.</summary>
    public NtripVersion Version { get; init; } = NtripVersion.V2;

    /// <summary>How often the receiver's GGA goes upstream; zero: once, at connect.</summary>
    public TimeSpan GgaInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait between attempts, and the wait after a refusal (401, missing mountpoint).</summary>
    public TimeSpan BackoffCap { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A caster that sends nothing for this long is taken as lost (casters send at least 1 Hz).</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Connect, TLS and the answer to the request, together.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How the caster's TLS certificate is checked; null: the system's trust store and the host name.</summary>
    public RemoteCertificateValidationCallback? CertificateValidation { get; init; }
}
