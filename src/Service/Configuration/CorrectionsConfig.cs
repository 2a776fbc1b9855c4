using BeidouHub.Receiver.Corrections;

namespace BeidouHub.Service.Configuration;

/// <summary>
/// <c>BeidouHub:Corrections</c>: the NTRIP mountpoints whose RTCM 3 streams go to the receivers.
/// Each entry serves the receivers its ids and patterns name, each receiver over its own caster
/// connection with its own GGA (a VRS or nearest-base caster computes the corrections for the
/// position it is told), the frames written down that receiver's own connection (serial or TCP).
/// </summary>
internal sealed class CorrectionsConfig
{
    public const string Section = "BeidouHub:Corrections";

    /// <summary>The mountpoints, each with its caster and its receivers.</summary>
    public List<MountpointConfig> Mountpoints { get; set; } = [];
}

/// <summary>One mountpoint of one caster, and the receivers it serves.</summary>
internal sealed class MountpointConfig
{
    /// <summary><c>ntrip://host:2101</c> or <c>http://</c> (plain), <c>https://</c> or <c>ntrips://</c> (TLS); a path names the mountpoint.</summary>
    public string Caster { get; set; } = "";

    /// <summary>The mountpoint (or in the caster URL's path).</summary>
    public string? Mountpoint { get; set; }

    public string? User { get; set; }

    /// <summary>Never echoed in errors or logs.</summary>
    public string? Password { get; set; }

    /// <summary>V2 (HTTP/1.1, chunked; casters that only know 1.0 answer it as 1.0) or V1.</summary>
    public NtripVersion Version { get; set; } = NtripVersion.V2;

    /// <summary>How often the receiver's GGA goes to the caster; 0: once, at connect.</summary>
    public TimeSpan GgaInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait between attempts, and the wait after a refusal.</summary>
    public TimeSpan BackoffCap { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A caster that sends nothing for this long is taken as lost.</summary>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>PEM CA certificate(s) the caster's TLS certificate must chain to; none: the system's trust store.</summary>
    public string? CaFile { get; set; }

    /// <summary>Receiver ids and patterns (<c>truck-*</c>, <c>gate-?</c>) this mountpoint serves. Required.</summary>
    public List<string> Receivers { get; set; } = [];
}
