namespace BeidouHub.Testing;

/// <summary>Finds the shared reference corpus (../shared/corpus beside the repository) and the project's seeds/.</summary>
public static class Corpus
{
    private static readonly Lazy<string?> Root = new(FindRepositoryRoot);

    public static string? RepositoryRoot => Root.Value;

    /// <summary>../shared/corpus/gpsd, or null when the checkout has no shared folder beside it.</summary>
    public static string? GpsdDirectory
    {
        get
        {
            string? env = Environment.GetEnvironmentVariable("BEIDOUHUB_CORPUS");
            string? corpus = env ?? (RepositoryRoot is { } r ? Path.GetFullPath(Path.Combine(r, "..", "shared", "corpus")) : null);
            string? gpsd = corpus is null ? null : Path.Combine(corpus, "gpsd");
            return gpsd is not null && Directory.Exists(gpsd) ? gpsd : null;
        }
    }

    public static string? ExamplesFile
    {
        get
        {
            string? gpsd = GpsdDirectory;
            string? file = gpsd is null ? null : Path.Combine(gpsd, "..", "examples.nmea");
            return file is not null && File.Exists(file) ? file : null;
        }
    }

    public const string Absent = "../shared/corpus is absent beside this checkout (CI has it); the project's own fixtures still run";

    private static string? FindRepositoryRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "BeidouHub.sln")))
            {
                return d.FullName;
            }
        }

        return null;
    }
}
