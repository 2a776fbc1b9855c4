using Microsoft.Extensions.Configuration.Json;

namespace BeidouHub.Service.Configuration;

/// <summary>
/// What makes <c>serve</c> a Linux daemon (issue 18): systemd's notify protocol and journald's log
/// format when systemd started it, the configuration file in systemd's configuration directory,
/// and the configuration read again on SIGHUP (<see cref="ConfigurationReload"/>).
/// </summary>
internal static class DaemonSetup
{
    /// <summary>The file read from the configuration directory (/etc/beidouhub/ in the Debian package).</summary>
    public const string FileName = "beidouhub.json";

    /// <summary>systemd sets it for a unit with <c>ConfigurationDirectory=</c> (systemd 240+): the absolute path(s), ':' between several.</summary>
    public const string DirectoryVariable = "CONFIGURATION_DIRECTORY";

    /// <summary>
    /// $CONFIGURATION_DIRECTORY/beidouhub.json (its first directory), when the variable is set: read
    /// after appsettings.json and before environment variables and the command line, so it
    /// overrides the defaults next to the binary and a unit's <c>Environment=</c> overrides it;
    /// optional (an empty configuration directory is the defaults) and watched for changes.
    /// </summary>
    public static string? AddConfigurationFile(ConfigurationManager configuration, string? directories)
    {
        if (string.IsNullOrEmpty(directories))
        {
            return null;
        }

        string path = Path.Combine(directories.Split(':')[0], FileName);
        int after = -1;
        for (int i = 0; i < configuration.Sources.Count; i++)
        {
            if (configuration.Sources[i] is JsonConfigurationSource)
            {
                after = i;
            }
        }

        var source = new JsonConfigurationSource { Path = path, Optional = true, ReloadOnChange = true };
        source.ResolveFileProvider();
        configuration.Sources.Insert(after + 1, source);
        return path;
    }

    /// <summary>
    /// systemd's notify protocol (READY=1 once Kestrel listens, STOPPING=1) and journald's log
    /// format (<c>&lt;6&gt;Category[event] message</c>: the journal adds time and unit) when systemd
    /// started the process; nothing otherwise, so the console keeps its one line with a UTC time.
    /// Called after the console formatter is chosen: the systemd formatter replaces it.
    /// </summary>
    public static void Add(WebApplicationBuilder builder)
    {
        builder.Services.AddSystemd();
        builder.Services.AddSingleton<ConfigurationReload>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ConfigurationReload>());
    }
}
