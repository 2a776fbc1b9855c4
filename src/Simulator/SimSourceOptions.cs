using BeidouHub.Receiver.Sources;

namespace BeidouHub.Simulator;

/// <summary>
/// The built-in simulator, <c>sim://?profile=vehicle-rtk&amp;seed=1&amp;rate=10&amp;style=gb&amp;fleet=N&amp;index=i&amp;baud=B</c>
/// (parameters as <see cref="SimSource"/> defines them; checked when the source is created, after a
/// host has expanded <c>fleet</c> into its receivers).
/// </summary>
public sealed record SimSourceOptions(string Uri, IReadOnlyDictionary<string, string> Parameters) : SourceOptions(Uri)
{
    /// <summary>The <c>sim</c> scheme, for a host to add to <see cref="SourceSchemes.Receiver"/>.</summary>
    public static SourceScheme Scheme { get; } = new("sim", TryCreate);

    /// <inheritdoc />
    protected override bool TryCreateSource(TimeProvider time, out IByteSource? source, out string? reason)
    {
        bool ok = SimSource.TryCreate(this, time, out SimSource? sim, out reason);
        source = sim;
        return ok;
    }

    private static SimSourceOptions? TryCreate(string uri, string path, IReadOnlyDictionary<string, string> query, out string? error)
    {
        error = null;
        return new SimSourceOptions(uri, query);
    }
}
