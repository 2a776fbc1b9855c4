using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace BeidouHub.Service.Tests.Security;

/// <summary>
/// What the service sees of a client's credentials: a loopback HTTP/2 endpoint (plain, or TLS
/// with a tls-dev certificate) that records the authorization header of each call and answers
/// UNAUTHENTICATED ("bad token"), as the service answers a bad token.
/// </summary>
internal sealed class TlsHeaderCapture : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TlsHeaderCapture(WebApplication app, ConcurrentQueue<string> seen)
    {
        _app = app;
        Authorization = seen;
        Url = app.Urls.Single();
    }

    public string Url { get; }

    public int Port => new Uri(Url).Port;

    /// <summary>The authorization header of each call, "" when it had none.</summary>
    public ConcurrentQueue<string> Authorization { get; }

    public static async Task<TlsHeaderCapture> StartAsync(TlsTestFiles? tls = null)
    {
        var seen = new ConcurrentQueue<string>();
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l =>
        {
            l.Protocols = HttpProtocols.Http2;
            if (tls is not null)
            {
                l.UseHttps(System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(tls.Files.Server, tls.Files.ServerKey));
            }
        }));
        WebApplication app = builder.Build();
        app.Run(context =>
        {
            seen.Enqueue(context.Request.Headers.Authorization.ToString());
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = "16";
            context.Response.Headers["grpc-message"] = "bad token";
            return Task.CompletedTask;
        });
        await app.StartAsync();
        return new TlsHeaderCapture(app, seen);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
