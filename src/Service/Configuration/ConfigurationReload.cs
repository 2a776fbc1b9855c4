using System.Runtime.InteropServices;
using BeidouHub.Service.Integrity;
using Microsoft.Extensions.Primitives;

namespace BeidouHub.Service.Configuration;

/// <summary>
/// The configuration read again on SIGHUP (<c>systemctl reload beidouhub</c>) or when a JSON file
/// of it changes, and what of it the running service takes. Live: log levels (<c>Logging</c>,
/// ASP.NET Core's logger filters follow the configuration), the park applications and JWT
/// settings (<c>Applications</c>, <c>Jwt</c>, <c>AllowAnonymous</c>: <see cref="Security.AccessControl"/>
/// applies them and checks the open streams) and the integrity thresholds (<c>Integrity:*</c> but
/// <c>Enabled</c>). Everything else under <c>BeidouHub</c> is read once at start (the receivers and
/// their sources, the coordinate systems and zones, whose monitors hold state per receiver, the
/// endpoints, TLS, history, cluster, corrections): a change to one of those keys is one log line
/// naming the key and saying it needs a restart. Values are never logged (keys and passwords live
/// among them).
/// </summary>
internal sealed partial class ConfigurationReload : IHostedService, IDisposable
{
    private static readonly string[] LivePrefixes =
    [
        "Logging:",
        $"{BeidouHubOptions.Section}:{nameof(BeidouHubOptions.Applications)}",
        $"{BeidouHubOptions.Section}:{nameof(BeidouHubOptions.Jwt)}",
        $"{BeidouHubOptions.Section}:{nameof(BeidouHubOptions.AllowAnonymous)}",
        $"{IntegrityConfig.Section}:",
    ];

    private readonly IConfiguration _configuration;
    private readonly BeidouHubOptionsValidator _validator;
    private readonly IntegrityService? _integrity;
    private readonly ILogger<ConfigurationReload> _logger;
    private readonly Lock _gate = new();
    private Dictionary<string, string?> _seen;
    private IDisposable? _changes;
    private PosixSignalRegistration? _hangUp;

    public ConfigurationReload(IConfiguration configuration, IEnumerable<Microsoft.Extensions.Options.IValidateOptions<BeidouHubOptions>> validators, ILogger<ConfigurationReload> logger, IntegrityService? integrity = null)
    {
        _configuration = configuration;
        _validator = validators.OfType<BeidouHubOptionsValidator>().Single();
        _integrity = integrity;
        _logger = logger;
        _seen = Snapshot(configuration);
    }

    /// <summary>Whether a change to <paramref name="key"/> applies to the running service (else it needs a restart).</summary>
    public static bool IsLive(string key) =>
        !key.Equals($"{IntegrityConfig.Section}:{nameof(IntegrityConfig.Enabled)}", StringComparison.OrdinalIgnoreCase)
        && LivePrefixes.Any(p => key.StartsWith(p, StringComparison.OrdinalIgnoreCase) && (p.EndsWith(':') || key.Length == p.Length || key[p.Length] == ':'));

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _changes = ChangeToken.OnChange(_configuration.GetReloadToken, Changed);
        if (!OperatingSystem.IsWindows())
        {
            // Handled, so SIGHUP no longer ends the process (the runtime's default): daemons read
            // their configuration again on it (systemd's ExecReload, nginx, sshd).
            _hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true;
                Reload("SIGHUP");
            });
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _hangUp?.Dispose();
        _changes?.Dispose();
    }

    /// <summary>Reads every configuration source again (what SIGHUP does); the changes are applied and logged as for a file change.</summary>
    public void Reload(string why)
    {
        LogReading(_logger, why);
        if (_configuration is IConfigurationRoot root)
        {
            root.Reload();
        }
    }

    private void Changed()
    {
        lock (_gate)
        {
            Dictionary<string, string?> now = Snapshot(_configuration);
            List<string> changed = [.. now.Keys.Union(_seen.Keys, StringComparer.OrdinalIgnoreCase)
                .Where(k => !_seen.TryGetValue(k, out string? before) || !now.TryGetValue(k, out string? after) || before != after)
                .Order(StringComparer.OrdinalIgnoreCase)];
            _seen = now;
            if (changed.Count == 0)
            {
                return;
            }

            foreach (string key in changed.Where(k => !IsLive(k)))
            {
                LogNeedsRestart(_logger, key);
            }

            List<string> live = [.. changed.Where(IsLive)];
            if (live.Count == 0)
            {
                return;
            }

            if (_integrity is not null && live.Any(k => k.StartsWith(IntegrityConfig.Section + ":", StringComparison.OrdinalIgnoreCase)))
            {
                ApplyIntegrity();
            }

            string keys = string.Join(", ", live);
            LogApplied(_logger, keys);
        }
    }

    // The thresholds under the start's rules: a section that does not check out leaves the
    // previous thresholds in force and says why.
    private void ApplyIntegrity()
    {
        BeidouHubOptions options;
        try
        {
            options = _configuration.GetSection(BeidouHubOptions.Section).Get<BeidouHubOptions>() ?? new BeidouHubOptions();
        }
        catch (InvalidOperationException e)
        {
            LogNotApplied(_logger, IntegrityConfig.Section, e.Message);
            return;
        }

        List<string> errors = [.. _validator.Check(options).Where(e => e.StartsWith(IntegrityConfig.Section, StringComparison.OrdinalIgnoreCase))];
        if (errors.Count > 0)
        {
            LogNotApplied(_logger, IntegrityConfig.Section, string.Join("; ", errors));
            return;
        }

        _integrity!.Thresholds = options.Integrity;
    }

    private static Dictionary<string, string?> Snapshot(IConfiguration configuration) =>
        configuration.AsEnumerable()
            .Where(kv => kv.Value is not null && (kv.Key.StartsWith(BeidouHubOptions.Section + ":", StringComparison.OrdinalIgnoreCase) || kv.Key.StartsWith("Logging:", StringComparison.OrdinalIgnoreCase)))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.OrdinalIgnoreCase);

    [LoggerMessage(EventId = 320, Level = LogLevel.Information, Message = "{Why}: reading the configuration again")]
    private static partial void LogReading(ILogger logger, string why);

    [LoggerMessage(EventId = 321, Level = LogLevel.Warning, Message = "configuration: {Key} changed; the running service keeps its value until it is restarted")]
    private static partial void LogNeedsRestart(ILogger logger, string key);

    [LoggerMessage(EventId = 322, Level = LogLevel.Information, Message = "configuration: {Keys} changed; applied to the running service (a section that does not check out keeps its previous values and says why)")]
    private static partial void LogApplied(ILogger logger, string keys);

    [LoggerMessage(EventId = 323, Level = LogLevel.Error, Message = "configuration: {Section} not applied, the previous values stay in force: {Error}")]
    private static partial void LogNotApplied(ILogger logger, string section, string error);
}
