using BeidouHub.Receiver.Sources;
using BeidouHub.Service.Api;
using BeidouHub.Service.Configuration;
using BeidouHub.Service.Hub;
using BeidouHub.Service.Receivers;
using BeidouHub.Service.Security;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace BeidouHub.Service;

/// <summary>
/// The service as a table of contents: configuration → receivers (workers) → geo → hub → gRPC
/// (beidouhub.v1, reflection, grpc.health.v1) on Kestrel, HTTP/2 on 127.0.0.1:50051 by default.
/// </summary>
internal static partial class ServiceApp
{
    public static bool TryCreate(string[] args, out WebApplication? app, out List<string> errors)
    {
        app = null;
        WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-dd HH:mm:ss ";
            o.UseUtcTimestamp = true;
        });

        // One line per request is noise at a park hub with long-lived streams; keep warnings.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

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

        if (!ServiceSetup.TryBuild(options, out List<ReceiverPlan> receivers, out GeoPipeline? geo, out errors, out bool usedDefault))
        {
            return false;
        }

        if (!TryListen(builder, options, errors, out TlsEndpoint? endpoint))
        {
            return false;
        }

        var hub = new PositionHub(options.SubscriberQueue, options.SlowSubscriberTimeout);
        builder.Services.AddSingleton(Options.Create(options));
        builder.Services.AddSingleton(geo!);
        builder.Services.AddSingleton(hub);
        builder.Services.AddSingleton<IEnumerable<ReceiverPlan>>(receivers);
        builder.Services.AddSingleton<ReceiverHost>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReceiverHost>());
        builder.Services.AddGrpc();
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks().AddCheck("hub", () => hub.Running ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("receivers not running"));

        WebApplication web = builder.Build();
        web.MapGrpcService<PositionsService>();
        web.MapGrpcService<ReceiversService>();
        web.MapGrpcReflectionService();
        web.MapGrpcHealthChecksService();
        web.MapGet("/", () => "BeidouHub: gRPC (HTTP/2) service beidouhub.v1 with reflection; try `beidouhub watch`.");

        ILogger log = web.Services.GetRequiredService<ILoggerFactory>().CreateLogger("BeidouHub");
        web.Lifetime.ApplicationStopping.Register(() => hub.CompleteAll(new ShutdownException()));
        web.Lifetime.ApplicationStarted.Register(() =>
        {
            string urls = string.Join(", ", web.Urls);
            LogListening(log, urls, endpoint?.Transport ?? "Kestrel:Endpoints", receivers.Count, geo!.Grid.Epsg, geo.Zones.ZoneCount);
        });
        if (usedDefault)
        {
            LogDefault(log, ServiceSetup.DefaultNote);
        }

        if (ServiceSetup.SerialIoAdvice(receivers, SerialSourceOptions.EpollAvailable) is { } advice)
        {
            LogSerialAdvice(log, advice);
        }

        app = web;
        return true;
    }

    // BeidouHub:Listen and BeidouHub:Tls, unless Kestrel:Endpoints is configured: then that is
    // the operator's (ASP.NET Core's own endpoint configuration) and endpoint stays null.
    private static bool TryListen(WebApplicationBuilder builder, BeidouHubOptions options, List<string> errors, out TlsEndpoint? endpoint)
    {
        endpoint = null;
        if (builder.Configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            return true;
        }

        if (!TlsEndpoint.TryCreate(options.Listen, options.Tls, TimeProvider.System, errors, out endpoint))
        {
            return false;
        }

        TlsEndpoint listen = endpoint!;
        builder.WebHost.ConfigureKestrel(listen.Configure);
        return true;
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "BeidouHub listening on {Urls} ({Transport}): {Receivers} receiver(s), grid EPSG:{Epsg}, {Zones} zone(s)")]
    private static partial void LogListening(ILogger logger, string urls, string transport, int receivers, int epsg, int zones);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "{Note}")]
    private static partial void LogDefault(ILogger logger, string note);

    [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "{Advice}")]
    private static partial void LogSerialAdvice(ILogger logger, string advice);
}
