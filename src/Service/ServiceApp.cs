using System.Net;
using BeidouHub.Receiver.Sources;
using BeidouHub.Service.Api;
using BeidouHub.Service.Configuration;
using BeidouHub.Service.Hub;
using BeidouHub.Service.Receivers;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

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
    /// a FakeTimeProvider); the system clock when null.
    /// </summary>
    public static bool TryCreate(string[] args, out WebApplication? app, out List<string> errors, TimeProvider? time = null)
    {
        TimeProvider clock = time ?? TimeProvider.System;
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

        var validator = new BeidouHubOptionsValidator(builder.Configuration);
        if (!ServiceSetup.TryBuild(options, validator, out List<ReceiverPlan> receivers, out GeoPipeline? geo, out errors, out bool usedDefault))
        {
            return false;
        }

        Listen(builder, options.Listen);
        builder.Services.AddSingleton(clock);
        var hub = new PositionHub(options.SubscriberQueue, options.SlowSubscriberTimeout, clock);

        // The section as IOptions/IOptionsMonitor, under the same rules TryBuild just applied: a
        // value that changes later (reload) is checked by the same validator.
        builder.Services.AddSingleton<IValidateOptions<BeidouHubOptions>>(validator);
        builder.Services.AddOptions<BeidouHubOptions>().Bind(builder.Configuration.GetSection(BeidouHubOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton(geo!);
        builder.Services.AddSingleton(hub);
        builder.Services.AddSingleton<IEnumerable<ReceiverPlan>>(receivers);
        builder.Services.AddSingleton<ReceiverHost>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReceiverHost>());
        builder.Services.AddGrpc();
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks().AddCheck<ReceiversHealthCheck>("receivers");

        WebApplication web = builder.Build();
        web.MapGrpcService<PositionsService>();
        web.MapGrpcService<ReceiversService>();
        web.MapGrpcReflectionService();
        web.MapGrpcHealthChecksService();
        web.MapGet("/", () => "BeidouHub: gRPC (HTTP/2) service beidouhub.v1 with reflection; try `beidouhub watch`.");

        ILogger log = web.Services.GetRequiredService<ILoggerFactory>().CreateLogger("BeidouHub");
        web.Lifetime.ApplicationStopping.Register(() => hub.CompleteAll(new ShutdownException()));
        string grid = GridSetup.Describe(geo!.Grid);
        web.Lifetime.ApplicationStarted.Register(() =>
        {
            string urls = string.Join(", ", web.Urls);
            LogListening(log, urls, receivers.Count, grid, geo.Zones.ZoneCount);
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

    // BeidouHub:Listen (checked by the validator) unless Kestrel:Endpoints (for TLS and more) is configured.
    private static void Listen(WebApplicationBuilder builder, string listen)
    {
        if (!builder.Configuration.GetSection("Kestrel:Endpoints").Exists() && BeidouHubOptionsValidator.TryParseListen(listen, out IPAddress address, out int port))
        {
            builder.WebHost.ConfigureKestrel(k => k.Listen(address, port, l => l.Protocols = HttpProtocols.Http2));
        }
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "BeidouHub listening on {Urls}: {Receivers} receiver(s), grid {Grid}, {Zones} zone(s)")]
    private static partial void LogListening(ILogger logger, string urls, int receivers, string grid, int zones);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "{Note}")]
    private static partial void LogDefault(ILogger logger, string note);

    [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "{Advice}")]
    private static partial void LogSerialAdvice(ILogger logger, string advice);
}
