using System.Net;
using System.Net.Sockets;
using BeidouHub.Service.Hub;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BeidouHub.Service.Tests.Support;

/// <summary>The real service (Kestrel, HTTP/2) on a free loopback port, with real gRPC clients.</summary>
internal sealed class ServiceFixture : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ServiceFixture(WebApplication app, Uri address, Uri? webAddress)
    {
        _app = app;
        Address = address;
        WebAddress = webAddress;
        Channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { MaxReceiveMessageSize = 16 << 20 });
    }

    public Uri Address { get; }

    /// <summary>The web console's endpoint (HTTP/1.1: the page and gRPC-Web); null with BeidouHub:Web:Enabled=false.</summary>
    public Uri? WebAddress { get; }

    public GrpcChannel Channel { get; }

    public PositionHub Hub => _app.Services.GetRequiredService<PositionHub>();

    /// <summary>Each receiver's state and counters, for failure messages.</summary>
    public string Status => string.Join("; ", _app.Services.GetRequiredService<Service.Receivers.ReceiverHost>().Workers
        .Select(w => w.Snapshot()).Select(s => $"{s.Id} {s.State} reconnects {s.Reconnects} {s.Bytes} bytes {s.Sentences} sentences {s.Epochs} epochs {s.LastError}"));

    /// <summary>The service's dependency injection container (the access control, for one).</summary>
    public IServiceProvider Services => _app.Services;

    public static Task<ServiceFixture> StartAsync(params string[] configuration) => StartAsync(TimeProvider.System, configuration);

    /// <summary>The service on the given clock (every timer of the service runs on it: tests move a FakeTimeProvider).</summary>
    public static Task<ServiceFixture> StartAsync(TimeProvider time, params string[] configuration) => StartAsync(time, null, configuration);

    /// <param name="time">The service's clock.</param>
    /// <param name="logs">A logger provider that gets the service's log lines as well (their levels as configured).</param>
    /// <param name="configuration">Command-line configuration.</param>
    public static Task<ServiceFixture> StartAsync(TimeProvider time, ILoggerProvider? logs, params string[] configuration) => StartAsync(time, logs, null, configuration);

    /// <param name="time">The service's clock.</param>
    /// <param name="logs">A logger provider that gets the service's log lines as well (their levels as configured).</param>
    /// <param name="more">Services registered after the service's own (the last registration of a type wins).</param>
    /// <param name="configuration">Command-line configuration.</param>
    public static async Task<ServiceFixture> StartAsync(TimeProvider time, ILoggerProvider? logs, Action<IServiceCollection>? more, params string[] configuration)
    {
        string[] args = ["--BeidouHub:Listen=http://127.0.0.1:0", "--BeidouHub:SummaryInterval=00:00:01", "--Logging:LogLevel:Default=Warning", .. configuration];
        Action<IServiceCollection> services = s =>
        {
            if (logs is not null)
            {
                s.AddSingleton(logs);
            }

            more?.Invoke(s);
        };
        Assert.True(ServiceApp.TryCreate(args, out WebApplication? app, out List<string> errors, time, services), string.Join("\n", errors));
        await app!.StartAsync();
        var address = new Uri(app.Urls.First());
        Assert.NotEqual(0, address.Port);
        string? web = Service.Web.WebConsole.Address(app.Urls, webEndpointAdded: app.Urls.Count > 1);
        return new ServiceFixture(app, address, web is null ? null : new Uri(web));
    }

    /// <summary>Stops the service the way Ctrl+C or systemd does.</summary>
    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A loopback TCP listener playing a receiver (a serial-to-Ethernet converter) that the service connects to.</summary>
internal sealed class ReceiverFeed : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private Socket? _peer;

    public ReceiverFeed()
    {
        _listener.Start();
    }

    public string Uri => $"tcp://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public async Task AcceptAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        _peer = await _listener.AcceptSocketAsync(timeout.Token);
    }

    public async Task SendAsync(ReadOnlyMemory<byte> bytes)
    {
        await _peer!.SendAsync(bytes);
    }

    /// <summary>Exactly <paramref name="count"/> bytes the service wrote to the receiver (corrections), or fails after 30 s.</summary>
    public async Task<byte[]> ReceiveAsync(int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        byte[] buffer = new byte[count];
        for (int n = 0; n < count;)
        {
            int r = await _peer!.ReceiveAsync(buffer.AsMemory(n), timeout.Token);
            Assert.True(r > 0, $"the service closed the receiver's connection after {n} of {count} bytes");
            n += r;
        }

        return buffer;
    }

    public void Close()
    {
        _peer?.Dispose();
        _peer = null;
    }

    public ValueTask DisposeAsync()
    {
        Close();
        _listener.Stop();
        _listener.Dispose();
        return ValueTask.CompletedTask;
    }
}
