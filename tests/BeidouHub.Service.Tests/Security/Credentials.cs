using System.Collections.Concurrent;
using System.Globalization;
using Grpc.Core;

namespace BeidouHub.Service.Tests.Security;

/// <summary>Configuration lines for applications, and bearer metadata, for the access tests.</summary>
internal static class Credentials
{
    public static Metadata Bearer(string token) => new() { { "authorization", "Bearer " + token } };

    /// <summary>The command-line configuration of one application (BeidouHub:Applications:index:...).</summary>
    public static IEnumerable<string> Application(int index, string id, IEnumerable<string> keyHashes, string[] receivers, string[] rpcs, string[] coordinates, string[]? zones = null, double maxRateHz = 0, DateTimeOffset? expires = null)
    {
        string at = $"--BeidouHub:Applications:{index}";
        yield return $"{at}:Id={id}";
        foreach ((string hash, int k) in keyHashes.Select((h, k) => (h, k)))
        {
            yield return $"{at}:Keys:{k}={hash}";
        }

        foreach ((string list, string[] values) in new[] { ("Receivers", receivers), ("Rpcs", rpcs), ("Coordinates", coordinates), ("Zones", zones ?? []) })
        {
            for (int i = 0; i < values.Length; i++)
            {
                yield return $"{at}:{list}:{i}={values[i]}";
            }
        }

        if (maxRateHz > 0)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"{at}:MaxRateHz={maxRateHz}");
        }

        if (expires is { } e)
        {
            yield return $"{at}:Expires={e:O}";
        }
    }

    /// <summary>The status a call ends with (OK when it returns).</summary>
    public static async Task<StatusCode> StatusOf(Func<Task> call)
    {
        try
        {
            await call();
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }
}

/// <summary>Reads a server stream in the background: what it delivered, and the status it ended with.</summary>
internal sealed class StreamCollector<T> : IDisposable
{
    private readonly ConcurrentQueue<T> _items = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly AsyncServerStreamingCall<T> _call;

    public StreamCollector(Func<CancellationToken, AsyncServerStreamingCall<T>> start)
    {
        _call = start(_stop.Token);
        Reading = Task.Run(async () =>
        {
            try
            {
                await foreach (T item in _call.ResponseStream.ReadAllAsync(_stop.Token))
                {
                    _items.Enqueue(item);
                }

                Ended = StatusCode.OK;
            }
            catch (RpcException e)
            {
                Ended = e.StatusCode;
                EndDetail = e.Status.Detail;
            }
            catch (OperationCanceledException)
            {
                Ended = StatusCode.Cancelled;
            }
        });
    }

    public Task Reading { get; }

    public int Count => _items.Count;

    public List<T> Items => [.. _items];

    /// <summary>Null while the stream runs.</summary>
    public StatusCode? Ended { get; private set; }

    public string? EndDetail { get; private set; }

    public void Dispose()
    {
        _stop.Cancel();
        _call.Dispose();
        _stop.Dispose();
    }
}

/// <summary>A park identity provider for the tests: an RSA key made here, its public half in a PEM file, and tokens signed with it.</summary>
internal sealed class TestIssuer : IDisposable
{
    public const string Issuer = "https://idp.park.test";
    public const string Audience = "beidouhub";

    private readonly System.Security.Cryptography.RSA _rsa = System.Security.Cryptography.RSA.Create(2048);
    private readonly string _dir = Directory.CreateTempSubdirectory("beidouhub-issuer-").FullName;

    public TestIssuer()
    {
        PemFile = Path.Combine(_dir, "issuer.pem");
        File.WriteAllText(PemFile, _rsa.ExportSubjectPublicKeyInfoPem());
    }

    /// <summary>The public key, as BeidouHub:Jwt:SigningKeyFile.</summary>
    public string PemFile { get; }

    public string[] Configuration => ["--BeidouHub:Jwt:Issuer=" + Issuer, "--BeidouHub:Jwt:Audience=" + Audience, "--BeidouHub:Jwt:SigningKeyFile=" + PemFile, "--BeidouHub:Jwt:ClockSkew=00:00:00"];

    public Microsoft.IdentityModel.Tokens.SigningCredentials Signing => new(new Microsoft.IdentityModel.Tokens.RsaSecurityKey(_rsa), Microsoft.IdentityModel.Tokens.SecurityAlgorithms.RsaSha256);

    /// <summary>A token valid from <paramref name="now"/> for <paramref name="lifetime"/> (negative: already expired).</summary>
    public string Token(DateTimeOffset now, TimeSpan lifetime, Dictionary<string, object> claims, string audience = Audience, Microsoft.IdentityModel.Tokens.SigningCredentials? signing = null)
    {
        DateTime start = now.UtcDateTime + (lifetime < TimeSpan.Zero ? lifetime - TimeSpan.FromMinutes(1) : TimeSpan.Zero);
        var handler = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            IssuedAt = start,
            NotBefore = start,
            Expires = now.UtcDateTime + lifetime,
            Claims = claims,
            SigningCredentials = signing ?? Signing,
        });
    }

    public void Dispose()
    {
        _rsa.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}

/// <summary>Keeps the service's log lines (category and formatted message) for the audit tests.</summary>
internal sealed class CapturedLogs : Microsoft.Extensions.Logging.ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, string Message)> _lines = new();

    public List<(string Category, string Message)> Lines => [.. _lines];

    public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<(string, string)> lines) : Microsoft.Extensions.Logging.ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue((category, formatter(state, exception)));
    }
}
