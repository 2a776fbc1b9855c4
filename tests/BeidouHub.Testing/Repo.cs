namespace BeidouHub.Testing;

/// <summary>The checkout the tests run from: its root (where BeidouHub.sln is), its seeds, NMEA lines for a service's input.</summary>
public static class Repo
{
    /// <summary>The repository root; throws when the tests do not run inside a checkout.</summary>
    public static string Root => Corpus.RepositoryRoot
        ?? throw new InvalidOperationException("BeidouHub.sln not found above " + AppContext.BaseDirectory);

    public static string Seed(string name) => Path.Combine(Root, "seeds", name);

    /// <summary>An NMEA sentence with its checksum and CR LF, as a receiver sends it.</summary>
    public static string Line(string body) => TestNmea.WithChecksum(body) + "\r\n";
}
