using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using BeidouHub.Service.Configuration;
using BeidouHub.Service.Hub;
using BeidouHub.Service.Security;
using Grpc.AspNetCore.Web;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace BeidouHub.Service.Web;

/// <summary>
/// The web console: a single page (Web/wwwroot, inside the assembly) that calls the service's own
/// API over gRPC-Web, so a browser sees exactly what a gRPC client with the same credential sees
/// (same filters, decimation, scopes, slow-subscriber rule). This class serves the files, turns on
/// gRPC-Web, and says what the page needs to know to draw the map (<c>/console/config.json</c>).
/// </summary>
internal static class WebConsole
{
    /// <summary>The page's settings, public: nothing in it is about a receiver.</summary>
    public const string ConfigPath = "/console/config.json";

    public const string ProtoPath = "/beidouhub.proto";

    /// <summary>gRPC-Web for every service, the console's files and its settings.</summary>
    public static void Map(WebApplication app, BeidouHubOptions options, GeoPipeline geo)
    {
        // Browsers cannot speak gRPC's HTTP/2 trailers: gRPC-Web carries the same calls over
        // HTTP/1.1 or HTTP/2, through the same interceptor (credentials, scopes) and handlers.
        app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = true });

        var files = new ManifestEmbeddedFileProvider(typeof(WebConsole).Assembly, "Web/wwwroot");
        var types = new FileExtensionContentTypeProvider();
        string csp = ContentSecurityPolicy(options.Web.Tiles);
        app.Use(async (context, next) =>
        {
            // The page runs only its own scripts and talks only to this service (and the tile host).
            if (!context.Request.Path.StartsWithSegments("/beidouhub.v1", StringComparison.Ordinal))
            {
                context.Response.Headers.ContentSecurityPolicy = csp;
                context.Response.Headers.XContentTypeOptions = "nosniff";
                context.Response.Headers["Referrer-Policy"] = "no-referrer";
            }

            await next(context).ConfigureAwait(false);
        });
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files, ContentTypeProvider = types });

        ConsoleSettings settings = Settings(options.Web, geo);
        app.MapGet(ConfigPath, () => Results.Json(settings, ConsoleJson.Default.ConsoleSettings));
        app.MapGet(ProtoPath, () => Results.Stream(OpenProto(), "text/plain; charset=utf-8"));
    }

    /// <summary>The address of the web endpoint among the service's bound addresses: it is added after the gRPC one.</summary>
    public static string? Address(ICollection<string> urls, bool webEndpointAdded) =>
        webEndpointAdded && urls.Count > 1 ? urls.Last() : null;

    /// <summary>What the page reads at start: the map's plane, the tile layer if any, the rate it asks for.</summary>
    internal static ConsoleSettings Settings(WebConfig web, GeoPipeline geo) => new(
        Plane: geo.Park is null ? "grid" : "park",
        GridName: geo.Grid.Name,
        MapRateHz: web.MapRateHz,
        Tiles: web.Tiles is { } t
            ? new ConsoleTiles(t.Url, t.Datum == TileDatum.Gcj02 ? "gcj02" : "cgcs2000", t.Attribution ?? "", t.MaxZoom)
            : null);

    /// <summary>
    /// The tile template's origin for the page's img-src, a host that is itself a template
    /// (<c>t{0-7}.tianditu.gov.cn</c>, OpenLayers' server range) as its parent domain's wildcard.
    /// </summary>
    internal static string? TileOrigin(string template)
    {
        int scheme = template.IndexOf("://", StringComparison.Ordinal);
        if (scheme <= 0)
        {
            return null;
        }

        int end = template.IndexOf('/', scheme + 3);
        string host = end < 0 ? template[(scheme + 3)..] : template[(scheme + 3)..end];
        if (host.Contains('{', StringComparison.Ordinal))
        {
            int dot = host.IndexOf('.', host.LastIndexOf('}') + 1);
            host = dot < 0 ? host : "*" + host[dot..];
        }

        return host.Length == 0 || host.Contains('{', StringComparison.Ordinal) ? null : template[..(scheme + 3)] + host;
    }

    private static Stream OpenProto() =>
        Assembly.GetExecutingAssembly().GetManifestResourceStream("beidouhub.proto")
        ?? throw new InvalidOperationException("beidouhub.proto is not embedded in the assembly");

    private static string ContentSecurityPolicy(TileConfig? tiles)
    {
        string images = "'self' data: blob:";
        if (tiles is not null && TileOrigin(tiles.Url) is { } origin)
        {
            images += " " + origin;
        }

        // 'unsafe-eval': protobuf.js compiles each message's decoder with new Function (from the
        // .proto this service serves, never from data); no inline or foreign script runs.
        return $"default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src {images}; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
    }
}

/// <summary>The page's settings as <c>/console/config.json</c> carries them (camelCase, tiles null when there are none).</summary>
internal sealed record ConsoleSettings(string Plane, string GridName, double MapRateHz, ConsoleTiles? Tiles);

/// <summary>The tile layer of <see cref="ConsoleSettings"/>.</summary>
internal sealed record ConsoleTiles(string Url, string Datum, string Attribution, int MaxZoom);

/// <summary>
/// The settings' serializer, generated at build: reflection-based System.Text.Json is not available
/// to the native (AOT) build, and the generated one writes the same JSON.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ConsoleSettings))]
internal sealed partial class ConsoleJson : JsonSerializerContext;
