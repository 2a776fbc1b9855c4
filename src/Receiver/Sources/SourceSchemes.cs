namespace BeidouHub.Receiver.Sources;

/// <summary>
/// Parses the path and query of one scheme's source URI into options; null and the reason (without
/// the URI, which the caller adds) when a parameter is wrong.
/// </summary>
public delegate SourceOptions? SourceUriParser(string uri, string path, IReadOnlyDictionary<string, string> query, out string? error);

/// <summary>A source URI scheme: its name (<c>serial</c>, without <c>://</c>) and the parser of its URIs.</summary>
public sealed record SourceScheme(string Name, SourceUriParser Parse);

/// <summary>
/// The source URI schemes a host reads: Receiver's own (<c>serial</c>, <c>tcp</c>, <c>replay</c>)
/// and those a host adds from the projects above Receiver (the service adds the simulator's
/// <c>sim</c>), so that a receiver library never references what sits above it. Errors name every
/// scheme the host knows.
/// </summary>
public sealed class SourceSchemes
{
    private readonly SourceScheme[] _schemes;

    private SourceSchemes(SourceScheme[] schemes)
    {
        _schemes = schemes;
    }

    /// <summary>Receiver's own schemes: <c>serial</c>, <c>tcp</c> and <c>replay</c>.</summary>
    public static SourceSchemes Receiver { get; } = new(
    [
        new("serial", SerialSourceOptions.TryCreate),
        new("tcp", TcpSourceOptions.TryCreate),
        new("replay", ReplaySourceOptions.TryCreate),
    ]);

    /// <summary>These schemes and <paramref name="scheme"/>; throws when a scheme of that name is already known.</summary>
    public SourceSchemes With(SourceScheme scheme)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        if (Array.Exists(_schemes, s => string.Equals(s.Name, scheme.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException($"scheme '{scheme.Name}' is already known", nameof(scheme));
        }

        return new SourceSchemes([.. _schemes, scheme]);
    }

    /// <summary>
    /// Parses a source URI of one of these schemes (<c>scheme://path?key=value&amp;...</c>, the query
    /// unescaped, keys case-insensitive). Unknown schemes and bad parameters give one clear message
    /// that starts with the URI.
    /// </summary>
    public bool TryParse(string? uri, out SourceOptions? options, out string? error)
    {
        options = null;
        error = null;
        if (string.IsNullOrWhiteSpace(uri))
        {
            error = "empty source URI";
            return false;
        }

        int colon = uri.IndexOf("://", StringComparison.Ordinal);
        if (colon <= 0)
        {
            error = $"'{uri}' is not a source URI (expected {Names("://")})";
            return false;
        }

        string name = uri[..colon].ToLowerInvariant();
        string rest = uri[(colon + 3)..];
        int q = rest.IndexOf('?', StringComparison.Ordinal);
        string path = q < 0 ? rest : rest[..q];
        if (!TryQuery(q < 0 ? string.Empty : rest[(q + 1)..], out Dictionary<string, string>? query, out error))
        {
            error = $"'{uri}': {error}";
            return false;
        }

        SourceScheme? scheme = Array.Find(_schemes, s => s.Name == name);
        options = scheme is null
            ? null
            : scheme.Parse(uri, path, query!, out error);
        if (options is null)
        {
            error = $"'{uri}': {(scheme is null ? $"unknown scheme '{name}' (expected {Names(string.Empty)})" : error)}";
            return false;
        }

        return true;
    }

    /// <summary>Parses or throws <see cref="ArgumentException"/> with the message of <see cref="TryParse"/>.</summary>
    public SourceOptions Parse(string uri) =>
        TryParse(uri, out SourceOptions? options, out string? error) ? options! : throw new ArgumentException(error, nameof(uri));

    // "serial, tcp, replay or sim" (with "://" after each when given).
    private string Names(string suffix)
    {
        string[] names = Array.ConvertAll(_schemes, s => s.Name + suffix);
        return names.Length == 1 ? names[0] : string.Join(", ", names[..^1]) + " or " + names[^1];
    }

    private static bool TryQuery(string query, out Dictionary<string, string>? values, out string? error)
    {
        values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        error = null;
        foreach (string pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                error = $"parameter '{pair}' has no value";
                return false;
            }

            string key = Uri.UnescapeDataString(pair[..eq]);
            if (!values.TryAdd(key, Uri.UnescapeDataString(pair[(eq + 1)..])))
            {
                error = $"parameter '{key}' given twice";
                return false;
            }
        }

        return true;
    }
}
