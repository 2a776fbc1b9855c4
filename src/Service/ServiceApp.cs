using System.Net;
using System.Security.Cryptography.X509Certificates;
using BeidouHub.Receiver.Sources;
using BeidouHub.Service.Api;
using BeidouHub.Service.Configuration;
using BeidouHub.Service.Corrections;
using BeidouHub.Service.Hub;
using BeidouHub.Service.Receivers;
using BeidouHub.Service.Security;
using BeidouHub.Service.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Certificate;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace BeidouHub.Service;

/// <summary>
/// The service as a table of contents: configuration → receivers (workers) → geo → hub → gRPC
/// (beidouhub.v1, reflection, grpc.health.v1) on Kestrel, HTTP/2 on 127.0.0.1:50051 by default.
/// </summary>
internal static partial class ServiceApp
{
    /// <summary>
    /// Builds the service, or the configuration's errors, one line each. <paramref name="time"/> is
    /// the one clock of the service (every timer, timeout and time stamp goes through it; tests pass
    /// a FakeTimeProvider); the system clock when null. <paramref name="services"/>: more services,
    /// for tests (a logger provider that keeps the lines). <paramref name="sourceTime"/>: the clock
    /// that paces replay and simulator sources, which stand for the world outside the service; the
    /// system clock when null, so a test that moves the service's clock still has live receivers
    /// (in a running service both are the system clock).
    /// </summary>
    public static bool TryCreate(string[] args, out WebApplication? app, out List<string> errors, TimeProvider? time = null, Action<IServiceCollection>? services = null, TimeProvider? sourceTime = null)
    {
        TimeProvider clock = time ?? TimeProvider.System;
        app = null;
        WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
        string? configurationFile = DaemonSetup.AddConfigurationFile(builder.Configuration, Environment.GetEnvironmentVariable(DaemonSetup.DirectoryVariable));
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-dd HH:mm:ss ";
            o.UseUtcTimestamp = true;
        });

        // One line per request is noise at a park hub with long-lived streams; keep warnings.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        // Under systemd: notify, journald's format (replacing the one above), reload on SIGHUP.
        DaemonSetup.Add(builder);

        BeidouHubOptions options;
        try
        {
            options = builder.Configuration.GetSection(BeidouHubOptions.Section).Get<BeidouHubOptions>() ?? new BeidouHubOptions();
        }
        catch (InvalidOperationException e)
        {
            errors = [$"configuration: {e.Message}"];
            return false;
        }

        var validator = new BeidouHubOptionsValidator(builder.Configuration);
        bool built = ServiceSetup.TryBuild(options, validator, sourceTime ?? TimeProvider.System, out List<ReceiverPlan> receivers, out GeoPipeline? geo, out errors, out bool usedDefault);
        bool clientCertificates = ClientCertificateSetup.Asked(options, builder.Configuration);
        errors.AddRange(SecurityConfig.Build(options.Applications, options.Jwt, options.AllowAnonymous, clientCertificates, out SecurityState? security));
        List<CorrectionPlan> corrections = built ? CorrectionsSetup.Build(options.Corrections, receivers, errors) : [];
        if (!built || security is null || errors.Count > 0)
        {
            return false;
        }

        // Beyond loopback: TLS (or Tls:AllowInsecure) and credentials (or AllowAnonymous).
        var metricsEndpoint = new MetricsEndpoint();
        if (!TryListen(builder, options, clock, errors, metricsEndpoint, out TlsEndpoint? endpoint))
        {
            return false;
        }

        bool exposed = IsExposed(builder.Configuration, options.Listen, options.Web.Enabled ? options.Web.ListenOn(options.Tls) : null)
            || (endpoint is not null && options.Metrics.Enabled && IsExposed(builder.Configuration, options.Metrics.ListenOn(options.Tls)));
        if (AccessControl.ExposureError(security, exposed) is { } exposure)
        {
            errors.Add(exposure);
            return false;
        }

        builder.Services.AddSingleton(clock);
        var hub = new PositionHub(options.SubscriberQueue, options.SlowSubscriberTimeout, clock);

        // The section as IOptions/IOptionsMonitor, under the same rules TryBuild just applied: a
        // value that changes later (reload) is checked by the same validator.
        builder.Services.AddSingleton<IValidateOptions<BeidouHubOptions>>(validator);
        builder.Services.AddOptions<BeidouHubOptions>().Bind(builder.Configuration.GetSection(BeidouHubOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton(geo!);
        builder.Services.AddSingleton(hub);
        History.HistorySetup.Add(builder.Services, options);
        Cluster.ClusterSetup.Add(builder.Services, options.Cluster);
        Integrity.IntegritySetup.Add(builder.Services, options);
        AddMetrics(builder, options, metricsEndpoint, endpoint is not null);
        builder.Services.AddSingleton<IEnumerable<ReceiverPlan>>(receivers);
        builder.Services.AddSingleton<ReceiverHost>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReceiverHost>());
        builder.Services.AddSingleton<IEnumerable<CorrectionPlan>>(corrections);
        builder.Services.AddSingleton<CorrectionsHost>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CorrectionsHost>());
        AddAccessControl(builder, security, exposed, clientCertificates ? endpoint!.ClientCa : null, clock);
        services?.Invoke(builder.Services);
        builder.Services.AddGrpc(o =>
        {
            // Requests are a few filters: a larger one is refused (RESOURCE_EXHAUSTED) before it is parsed.
            o.MaxReceiveMessageSize = 256 * 1024;
            o.Interceptors.Add<AccessInterceptor>();
        });
        // Reflection lists our services and health by their descriptors, named here: AddGrpcReflection
        // finds them by reflecting over the mapped service types, which the native (AOT) build cannot.
        builder.Services.AddSingleton(new Grpc.Reflection.ReflectionServiceImpl(
            Protocol.V1.Positions.Descriptor, Protocol.V1.Receivers.Descriptor, Protocol.V1.History.Descriptor,
            Grpc.Health.V1.Health.Descriptor, Grpc.Reflection.V1Alpha.ServerReflection.Descriptor));
        builder.Services.AddGrpcHealthChecks().AddCheck<ReceiversHealthCheck>("receivers");

        WebApplication web = builder.Build();
        if (metricsEndpoint.Listen is not null)
        {
            // Only on the metrics endpoint: it asks for no credential, the other endpoints do.
            web.UseOpenTelemetryPrometheusScrapingEndpoint(context => context.Request.Path == MetricsConfig.Path && context.Connection.LocalPort == metricsEndpoint.Port);
        }

        WebConsole.Map(web, options, geo!);
        web.MapGrpcService<PositionsService>();
        web.MapGrpcService<ReceiversService>();
        web.MapGrpcService<HistoryService>();
        web.MapGrpcService<Grpc.Reflection.ReflectionServiceImpl>();
        web.MapGrpcHealthChecksService();

        ILogger log = web.Services.GetRequiredService<ILoggerFactory>().CreateLogger("BeidouHub");
        web.Lifetime.ApplicationStopping.Register(() => hub.CompleteAll(new ShutdownException()));
        string grid = GridSetup.Describe(geo!.Grid);
        web.Lifetime.ApplicationStarted.Register(() =>
        {
            bool webAdded = endpoint is not null && options.Web.Enabled;
            string? console = WebConsole.Address(web.Urls, webAdded);
            string urls = string.Join(", ", console is null ? web.Urls : web.Urls.Take(web.Urls.Count - 1));
            LogListening(log, urls, endpoint?.Transport ?? "Kestrel:Endpoints", receivers.Count, grid, geo.Zones.ZoneCount);
            if (console is not null)
            {
                LogConsole(log, console);
            }
        });
        if (usedDefault)
        {
            LogDefault(log, ServiceSetup.DefaultNote);
        }

        if (configurationFile is not null)
        {
            LogConfigurationFile(log, configurationFile, File.Exists(configurationFile) ? "read" : "absent: the defaults");
        }

        string access = web.Services.GetRequiredService<AccessControl>().Current.Summary;
        LogAccess(log, access);

        if (ServiceSetup.SerialIoAdvice(receivers, SerialSourceOptions.EpollAvailable) is { } advice)
        {
            LogSerialAdvice(log, advice);
        }

        foreach ((string id, string reason) in ServiceSetup.SerialIoFallbacks(receivers))
        {
            LogSerialFallback(log, id, reason);
        }

        app = web;
        return true;
    }

    // AddAuthentication brings ASP.NET data protection, whose hosted service makes a key ring in
    // the user's home at start ("No XML encryptor configured" at a fresh install's first start; the
    // package's system user has no home, and the unit's ProtectSystem=strict would refuse it).
    // Nothing here protects data with it (no cookies, no antiforgery: API keys, JWTs and client
    // certificates are checked, never issued), so that start-up step is removed, and a protector
    // asked for all the same has keys in memory only.
    private static void WithoutDataProtectionKeys(IServiceCollection services)
    {
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        for (int i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(IHostedService)
                && services[i].ImplementationType?.FullName == "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService")
            {
                services.RemoveAt(i);
            }
        }
    }

    // Applications with API keys, JWT bearer tokens or client certificates (clientCa: the CA the
    // endpoint checks them against, when it asks for them), the scope per call
    // (AccessInterceptor), and the access configuration reloaded when it changes.
    private static void AddAccessControl(WebApplicationBuilder builder, SecurityState security, bool exposed, X509Certificate2Collection? clientCa, TimeProvider time)
    {
        builder.Services.AddSingleton(sp => new AccessControl(security, sp.GetRequiredService<IConfiguration>(), exposed, clientCa is not null, time, sp.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddSingleton(new FailureLimiter(time));
        builder.Services.AddSingleton<AccessInterceptor>();
        builder.Services.AddSingleton<IConfigureOptions<JwtBearerOptions>, JwtBearerSetup>();
        AuthenticationBuilder authentication = builder.Services.AddAuthentication(AccessInterceptor.PolicyScheme)
            .AddPolicyScheme(AccessInterceptor.PolicyScheme, "BeidouHub API key, JWT or client certificate", o => o.ForwardDefaultSelector = SchemeFor)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddJwtBearer(JwtBearerSetup.Scheme, _ => { });
        WithoutDataProtectionKeys(builder.Services);
        if (clientCa is not null)
        {
            builder.Services.AddSingleton<IConfigureOptions<CertificateAuthenticationOptions>>(sp => new ClientCertificateSetup(sp.GetRequiredService<AccessControl>(), clientCa));
            authentication.AddCertificate(ClientCertificateSetup.Scheme, _ => { }).AddCertificateCache();
        }

        // Metadata beyond these is refused by Kestrel before anything reads it (a JWT with its
        // claims is a few kB).
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            k.Limits.Http2.MaxRequestHeaderFieldSize = 16 * 1024;
        });

        // A bearer decides when there is one (also beside a client certificate: the call names the
        // application it acts for); else a client certificate from the handshake, when the
        // endpoint asks for them; else the API-key scheme, which finds no credential.
        string SchemeFor(HttpContext context) =>
            ApiKeyAuthenticationHandler.TryBearer(context.Request, out string? token)
                ? !ApiKey.LooksLikeKey(token) && context.RequestServices.GetRequiredService<AccessControl>().Current.Jwt is not null
                    ? JwtBearerSetup.Scheme
                    : ApiKeyAuthenticationHandler.SchemeName
                : clientCa is not null && context.Connection.ClientCertificate is not null
                    ? ClientCertificateSetup.Scheme
                    : ApiKeyAuthenticationHandler.SchemeName;
    }

    /// <summary>
    /// Whether the service listens beyond loopback: BeidouHub:Listen or the web console's
    /// <paramref name="webListen"/>, or any Kestrel:Endpoints URL (which replace both), on an
    /// address other than 127.0.0.0/8, ::1 or localhost (0.0.0.0, [::], a host name).
    /// </summary>
    internal static bool IsExposed(IConfiguration configuration, string listen, string? webListen = null)
    {
        IConfigurationSection endpoints = configuration.GetSection("Kestrel:Endpoints");
        IEnumerable<string?> urls = endpoints.Exists() ? endpoints.GetChildren().Select(e => e["Url"]) : webListen is null ? [listen] : [listen, webListen];
        return urls.Any(url => !Uri.TryCreate(url?.Replace("*", "0.0.0.0", StringComparison.Ordinal).Replace("+", "0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out Uri? uri)
            || !(uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out IPAddress? ip) && IPAddress.IsLoopback(ip))));
    }

    // BeidouHub:Listen and BeidouHub:Tls, unless Kestrel:Endpoints is configured: then that is
    // the operator's (ASP.NET Core's own endpoint configuration) and endpoint stays null.
    // The service's metrics (always made: observable instruments cost nothing unheard) and, when
    // enabled on the service's own endpoints, OpenTelemetry's SDK exporting them to Prometheus.
    private static void AddMetrics(WebApplicationBuilder builder, BeidouHubOptions options, MetricsEndpoint endpoint, bool ownEndpoints)
    {
        builder.Services.AddSingleton(endpoint);
        builder.Services.AddSingleton<Metrics.ServiceMetrics>();
        if (!options.Metrics.Enabled || !ownEndpoints)
        {
            return;
        }

        builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(Metrics.ServiceMetrics.MeterName).AddPrometheusExporter());
    }

    private static bool TryListen(WebApplicationBuilder builder, BeidouHubOptions options, TimeProvider time, List<string> errors, MetricsEndpoint metrics, out TlsEndpoint? endpoint)
    {
        endpoint = null;
        if (builder.Configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            return true;
        }

        if (!TlsEndpoint.TryCreate(options.Listen, options.Tls, time, errors, out endpoint))
        {
            return false;
        }

        TlsEndpoint listen = endpoint!;
        builder.WebHost.ConfigureKestrel(listen.Configure);
        if (options.Metrics.Enabled)
        {
            // Between the gRPC and the web endpoint: the web console's address is the last bound.
            builder.WebHost.ConfigureKestrel(k => metrics.Listen = listen.ConfigureMetrics(k, options.Metrics.ListenOn(options.Tls)));
        }
        if (options.Web.Enabled)
        {
            // After the gRPC endpoint: Kestrel binds in this order (WebConsole.Address relies on it).
            builder.WebHost.ConfigureKestrel(k => listen.ConfigureWeb(k, options.Web.ListenOn(options.Tls)));
        }

        return true;
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "BeidouHub listening on {Urls} ({Transport}): {Receivers} receiver(s), grid {Grid}, {Zones} zone(s)")]
    private static partial void LogListening(ILogger logger, string urls, string transport, int receivers, string grid, int zones);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "{Note}")]
    private static partial void LogDefault(ILogger logger, string note);

    [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "{Advice}")]
    private static partial void LogSerialAdvice(ILogger logger, string advice);

    [LoggerMessage(EventId = 305, Level = LogLevel.Information, Message = "receiver {Id}: {Reason}")]
    private static partial void LogSerialFallback(ILogger logger, string id, string reason);

    [LoggerMessage(EventId = 304, Level = LogLevel.Information, Message = "web console on {Url} (open it in a browser)")]
    private static partial void LogConsole(ILogger logger, string url);

    [LoggerMessage(EventId = 306, Level = LogLevel.Information, Message = "configuration file {Path} ({State})")]
    private static partial void LogConfigurationFile(ILogger logger, string path, string state);

    [LoggerMessage(EventId = 303, Level = LogLevel.Information, Message = "access: {Summary}")]
    private static partial void LogAccess(ILogger logger, string summary);
}

/// <summary>The metrics endpoint's listen options, once Kestrel is configured; its port once bound.</summary>
internal sealed class MetricsEndpoint
{
    public Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions? Listen { get; set; }

    /// <summary>The bound port; -1 before Kestrel has bound it (or without the endpoint).</summary>
    public int Port => Listen?.EndPoint is System.Net.IPEndPoint ip && ip.Port != 0 ? ip.Port : -1;

    /// <summary>http(s)://IP:port of the scrape endpoint, once bound.</summary>
    public Uri? Address(bool tls) => Listen?.EndPoint is System.Net.IPEndPoint ip && ip.Port != 0
        ? new Uri($"{(tls ? "https" : "http")}://{(ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{ip.Address}]" : ip.Address.ToString())}:{ip.Port}{Configuration.MetricsConfig.Path}")
        : null;
}
