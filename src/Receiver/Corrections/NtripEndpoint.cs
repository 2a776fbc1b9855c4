namespace BeidouHub.Receiver.Corrections;

/// <summary>
/// A caster's address: <c>ntrip://host[:port]</c> or <c>http://</c> (plain), <c>https://</c> or
/// <c>ntrips://</c> (TLS); the port defaults to 2101 (the NTRIP port IANA registered) in plain and 443 with TLS.
/// A path names the mountpoint (<c>ntrip://caster:2101/ZHUZ00CHN0</c>); user information
/// (<c>user:password@</c>) is taken as the credentials.
/// </summary>
public sealed record NtripEndpoint
{
    /// <summary>The NTRIP port (IANA "ntrip", 2101).</summary>
    public const int DefaultPort = 2101;

    /// <summary>Host name or address.</summary>
    public required string Host { get; init; }

    /// <summary>TCP port.</summary>
    public required int Port { get; init; }

    /// <summary>TLS to the caster.</summary>
    public bool Tls { get; init; }

    /// <summary>The mountpoint in the URL's path, or null.</summary>
    public string? Mountpoint { get; init; }

    /// <summary>User from the URL's user information, or null.</summary>
    public string? User { get; init; }

    /// <summary>Password from the URL's user information, or null.</summary>
    public string? Password { get; init; }

    /// <summary>For logs: scheme, host and port, never the credentials.</summary>
    public string Display => $"{(Tls ? "https" : "ntrip")}://{(Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host)}:{Port}";

    /// <summary>Parses a caster URL, or says what is wrong with it.</summary>
    public static bool TryParse(string? url, out NtripEndpoint? endpoint, out string? error)
    {
        endpoint = null;
        error = null;
        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("ntrip" or "http" or "https" or "ntrips") || string.IsNullOrEmpty(uri.Host))
        {
            error = $"'{Redact(url)}' is not a caster URL: ntrip://host:2101, http://host:2101, https://host:443 (TLS) or ntrips://host (TLS)";
            return false;
        }

        bool tls = uri.Scheme is "https" or "ntrips";
        string path = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'));
        if (path.Contains('/', StringComparison.Ordinal) || !string.IsNullOrEmpty(uri.Query))
        {
            error = $"'{Redact(url)}': the path must be a mountpoint alone (ntrip://host:2101/MOUNT)";
            return false;
        }

        string? user = null, password = null;
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            string[] parts = uri.UserInfo.Split(':', 2);
            user = Uri.UnescapeDataString(parts[0]);
            password = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : null;
        }

        int port = uri.IsDefaultPort || uri.Port < 0 ? (tls ? 443 : DefaultPort) : uri.Port;
        endpoint = new NtripEndpoint
        {
            Host = uri.Host.Trim('[', ']'),
            Port = port,
            Tls = tls,
            Mountpoint = path.Length == 0 ? null : path,
            User = user,
            Password = password,
        };
        return true;
    }

    /// <summary>The URL without its user information (for error lines and logs).</summary>
    public static string Redact(string? url)
    {
        if (url is null)
        {
            return "";
        }

        int scheme = url.IndexOf("://", StringComparison.Ordinal);
        int at = url.IndexOf('@', StringComparison.Ordinal);
        return scheme >= 0 && at > scheme ? string.Concat(url.AsSpan(0, scheme + 3), "***@", url.AsSpan(at + 1)) : url;
    }

    /// <summary>A mountpoint name a request line can carry: printable ASCII, no space, slash or control character.</summary>
    public static bool IsValidMountpoint(string? mountpoint) =>
        !string.IsNullOrEmpty(mountpoint) && mountpoint.Length <= 100 && mountpoint.All(c => c is > ' ' and < (char)127 and not '/' and not '?' and not '#' and not '%');
}
