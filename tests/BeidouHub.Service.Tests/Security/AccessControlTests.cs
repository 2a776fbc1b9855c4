using System.Text.Json;
using BeidouHub.Protocol.V1;
using BeidouHub.Service.Configuration;
using BeidouHub.Service.Security;
using BeidouHub.Service.Tests.Support;
using Grpc.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace BeidouHub.Service.Tests.Security;

/// <summary>
/// Revocation and expiry of open streams: on a hand-moved clock without a server, and with the
/// real service reloading an appsettings.json the test rewrites.
/// </summary>
public class AccessControlTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 3, 0, 0, TimeSpan.Zero));
    private readonly (string Key, string Hash) _a = ApiKey.Generate();
    private readonly (string Key, string Hash) _a2 = ApiKey.Generate();
    private readonly (string Key, string Hash) _b = ApiKey.Generate();

    private static SecurityState State(params ApplicationConfig[] apps)
    {
        List<string> errors = SecurityConfig.Build(apps, null, false, out SecurityState? state);
        Assert.Empty(errors);
        return state!;
    }

    private static ApplicationConfig App(string id, string[] keys, string receivers = "*", DateTimeOffset? expires = null) =>
        new() { Id = id, Keys = [.. keys], Receivers = [receivers], Rpcs = ["positions"], Coordinates = ["*"], Expires = expires };

    private static Grant GrantOf(SecurityState state, string key)
    {
        Assert.True(ApiKey.TryKeyId(key, out string? keyId));
        ConfiguredKey k = state.Keys[keyId];
        return new Grant(k.Application.Scope, CredentialKind.ApiKey, keyId, k.Hash.Text);
    }

    private AccessControl Access(SecurityState state) => new(state, configuration: null, exposed: false, clientCertificates: false, _time, NullLoggerFactory.Instance);

    [Fact]
    public void Apply_KeyRemoved_ItsStreamEndsUnauthenticatedOthersGoOn()
    {
        SecurityState before = State(App("a", [_a.Hash, _a2.Hash]), App("b", [_b.Hash]));
        using AccessControl access = Access(before);
        using StreamLease a = access.Open(GrantOf(before, _a.Key), "/m", "peer");
        using StreamLease a2 = access.Open(GrantOf(before, _a2.Key), "/m", "peer");
        using StreamLease b = access.Open(GrantOf(before, _b.Key), "/m", "peer");

        access.Apply(State(App("a", [_a2.Hash]), App("b", [_b.Hash])));

        Assert.True(a.Ended.IsCancellationRequested);
        Assert.Equal(StatusCode.Unauthenticated, a.EndStatus!.Value.StatusCode);
        Assert.Contains("revoked", a.EndStatus.Value.Detail, StringComparison.Ordinal);
        Assert.False(a2.Ended.IsCancellationRequested);
        Assert.False(b.Ended.IsCancellationRequested);
        Assert.Equal(3, access.OpenStreams);
    }

    [Fact]
    public void Apply_ScopeChanged_StreamEndsUnavailableToReconnect()
    {
        SecurityState before = State(App("a", [_a.Hash]), App("b", [_b.Hash]));
        using AccessControl access = Access(before);
        using StreamLease a = access.Open(GrantOf(before, _a.Key), "/m", "peer");
        using StreamLease b = access.Open(GrantOf(before, _b.Key), "/m", "peer");

        access.Apply(State(App("a", [_a.Hash], receivers: "truck-*"), App("b", [_b.Hash])));

        Assert.Equal(StatusCode.Unavailable, a.EndStatus!.Value.StatusCode);
        Assert.Null(b.EndStatus);
    }

    [Fact]
    public void Apply_OtherApplicationAdded_NoStreamEnds()
    {
        SecurityState before = State(App("a", [_a.Hash]));
        using AccessControl access = Access(before);
        using StreamLease a = access.Open(GrantOf(before, _a.Key), "/m", "peer");

        access.Apply(State(App("a", [_a.Hash]), App("b", [_b.Hash])));

        Assert.Null(a.EndStatus);
        Assert.Same(access.Current.Applications["b"], access.Current.Keys[_b.Hash.Split(':')[1]].Application);
    }

    [Fact]
    public void Open_ApplicationExpires_StreamEndsUnauthenticatedAtThatInstant()
    {
        DateTimeOffset expires = _time.GetUtcNow().AddMinutes(10);
        SecurityState state = State(App("a", [_a.Hash], expires: expires));
        using AccessControl access = Access(state);
        using StreamLease a = access.Open(GrantOf(state, _a.Key), "/m", "peer");

        _time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromMilliseconds(1));
        Assert.Null(a.EndStatus);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(StatusCode.Unauthenticated, a.EndStatus!.Value.StatusCode);
        Assert.Contains("expired at 2026-11-27T03:10:00Z", a.EndStatus.Value.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ApplicationExpiresInAYearOnTheSystemClock_StreamRunsOn()
    {
        SecurityState state = State(App("a", [_a.Hash], expires: DateTimeOffset.UtcNow.AddDays(365)));
        using var access = new AccessControl(state, configuration: null, exposed: false, clientCertificates: false, TimeProvider.System, NullLoggerFactory.Instance);

        using StreamLease a = access.Open(GrantOf(state, _a.Key), "/m", "peer");

        Assert.Null(a.EndStatus);
    }

    [Fact]
    public void Open_ExpiryBeyondTheLongestTimer_StreamEndsAtThatInstant()
    {
        DateTimeOffset expires = _time.GetUtcNow().AddDays(100);
        SecurityState state = State(App("a", [_a.Hash], expires: expires));
        using AccessControl access = Access(state);
        using StreamLease a = access.Open(GrantOf(state, _a.Key), "/m", "peer");

        _time.Advance(TimeSpan.FromDays(100) - TimeSpan.FromMilliseconds(1));
        Assert.Null(a.EndStatus);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(StatusCode.Unauthenticated, a.EndStatus!.Value.StatusCode);
        Assert.Contains("expired at 2027-03-07T03:00:00Z", a.EndStatus.Value.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_ExpiryMovedLater_StreamEndsAtTheNewInstant()
    {
        SecurityState state = State(App("a", [_a.Hash], expires: _time.GetUtcNow().AddMinutes(1)));
        using AccessControl access = Access(state);
        using StreamLease a = access.Open(GrantOf(state, _a.Key), "/m", "peer");

        access.Apply(State(App("a", [_a.Hash], expires: _time.GetUtcNow().AddMinutes(5))));
        _time.Advance(TimeSpan.FromMinutes(4));
        Assert.Null(a.EndStatus);
        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(StatusCode.Unauthenticated, a.EndStatus!.Value.StatusCode);
    }

    [Fact]
    public void Open_AlreadyExpired_EndsAtOnce()
    {
        SecurityState state = State(App("a", [_a.Hash], expires: _time.GetUtcNow()));
        using AccessControl access = Access(state);

        using StreamLease a = access.Open(GrantOf(state, _a.Key), "/m", "peer");

        Assert.True(a.Ended.IsCancellationRequested);
    }

    [Fact]
    public void Open_GrantOfAKeyRevokedBeforeTheStreamOpened_EndsAtOnce()
    {
        SecurityState before = State(App("a", [_a.Hash]), App("b", [_b.Hash]));
        using AccessControl access = Access(before);
        Grant stale = GrantOf(before, _a.Key);
        access.Apply(State(App("b", [_b.Hash])));

        using StreamLease a = access.Open(stale, "/m", "peer");

        Assert.Equal(StatusCode.Unauthenticated, a.EndStatus!.Value.StatusCode);
    }

    [Fact]
    public void Apply_OpenServiceGetsApplications_AnonymousStreamsEnd()
    {
        using AccessControl access = Access(SecurityState.None);
        using StreamLease anonymous = access.Open(Grant.Open, "/m", "peer");

        access.Apply(State(App("a", [_a.Hash])));

        Assert.Equal(StatusCode.Unauthenticated, anonymous.EndStatus!.Value.StatusCode);
    }

    [Fact]
    public void Dispose_Lease_LeavesTheRegistry()
    {
        SecurityState state = State(App("a", [_a.Hash]));
        using AccessControl access = Access(state);
        StreamLease a = access.Open(GrantOf(state, _a.Key), "/m", "peer");

        a.Dispose();
        access.Apply(State(App("b", [_b.Hash])));

        Assert.Equal(0, access.OpenStreams);
        Assert.Null(a.EndStatus);
    }

    [Fact]
    public void Reload_ConfigurationChanged_AppliedOnItsOwnBadOneKeptOut()
    {
        var source = new Dictionary<string, string?>
        {
            ["BeidouHub:Applications:0:Id"] = "a",
            ["BeidouHub:Applications:0:Keys:0"] = _a.Hash,
            ["BeidouHub:Applications:0:Receivers:0"] = "*",
            ["BeidouHub:Applications:0:Rpcs:0"] = "positions",
            ["BeidouHub:Applications:0:Coordinates:0"] = "*",
        };
        var provider = new ReloadableProvider(source);
        IConfigurationRoot configuration = new ConfigurationBuilder().Add(new ReloadableSource(provider)).Build();
        SecurityState initial = State(App("a", [_a.Hash]));
        using var access = new AccessControl(initial, configuration, exposed: true, clientCertificates: false, _time, NullLoggerFactory.Instance);
        using StreamLease a = access.Open(GrantOf(initial, _a.Key), "/m", "peer");

        provider.Set("BeidouHub:Applications:0:Keys:1", _a2.Hash);
        SecurityState rotated = access.Current;
        provider.Set("BeidouHub:Applications:0:Rpcs:0", "telepathy");
        SecurityState afterBad = access.Current;
        provider.Remove("BeidouHub:Applications:0:Id");
        provider.Set("BeidouHub:Applications:0:Rpcs:0", "positions");
        SecurityState afterNoId = access.Current;

        Assert.Equal(2, rotated.Keys.Count);
        Assert.Same(rotated, afterBad);
        Assert.Same(rotated, afterNoId);
        Assert.Null(a.EndStatus);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Reload_SecuredServiceLosesEveryApplication_RefusedStreamsGoOn(bool exposed)
    {
        var provider = new ReloadableProvider(new Dictionary<string, string?>());
        IConfigurationRoot configuration = new ConfigurationBuilder().Add(new ReloadableSource(provider)).Build();
        SecurityState initial = State(App("a", [_a.Hash]));
        using var access = new AccessControl(initial, configuration, exposed, clientCertificates: false, _time, NullLoggerFactory.Instance);
        using StreamLease a = access.Open(GrantOf(initial, _a.Key), "/m", "peer");

        provider.Set("Other:Setting", "1"); // an empty (or half-written) file: no applications

        Assert.Same(initial, access.Current);
        Assert.Null(a.EndStatus);
    }

    [Fact]
    public void ExposureError_OpenStateBeyondLoopback_RefusedUnlessAllowAnonymous()
    {
        Assert.NotNull(AccessControl.ExposureError(SecurityState.None, exposed: true));
        Assert.Null(AccessControl.ExposureError(new SecurityState([], null, allowAnonymous: true), exposed: true));
        Assert.NotNull(AccessControl.ExposureError(SecurityState.None, exposed: true));
        Assert.Null(AccessControl.ExposureError(SecurityState.None, exposed: false));
        Assert.Null(AccessControl.ExposureError(State(App("a", [_a.Hash])), exposed: true));
    }

    [Fact]
    public async Task Reload_KeyRotatedWhileFiveStreamsRun_OnlyTheRevokedKeysStreamEnds()
    {
        string root = Directory.CreateTempSubdirectory("beidouhub-rotation-").FullName;
        try
        {
            var keys = Enumerable.Range(0, 5).Select(_ => ApiKey.Generate()).ToArray();
            (string newKey, string newHash) = ApiKey.Generate();
            string[] ids = ["a", "b", "c", "d", "e"];
            WriteAppSettings(root, ids.Select((id, i) => (id, i == 0 ? new[] { keys[0].Hash } : [keys[i].Hash])));
            await using ServiceFixture service = await ServiceFixture.StartAsync("--contentRoot=" + root, "--BeidouHub:Receivers:0:Id=sim", "--BeidouHub:Receivers:0:Source=sim://?fleet=2&rate=20");
            var access = (AccessControl)service.Services.GetService(typeof(AccessControl))!;
            var positions = new Positions.PositionsClient(service.Channel);
            StreamCollector<Position>[] streams = [.. keys.Select(k => new StreamCollector<Position>(c => positions.StreamPositions(new StreamPositionsRequest(), Credentials.Bearer(k.Key), cancellationToken: c)))];
            try
            {
                await Eventually.True(() => streams.All(s => s.Count > 20), "five streams running");

                // Rotation, step 1: the application gets a second key; nothing ends.
                WriteAppSettings(root, ids.Select((id, i) => (id, i == 0 ? new[] { keys[0].Hash, newHash } : [keys[i].Hash])));
                await Eventually.True(() => access.Current.Keys.Count == 6, "the new key applied");
                int[] counts = [.. streams.Select(s => s.Count)];
                await Eventually.True(() => streams.Select((s, i) => s.Count > counts[i] + 20).All(x => x), "all five streaming on");
                using var rotated = new StreamCollector<Position>(c => positions.StreamPositions(new StreamPositionsRequest(), Credentials.Bearer(newKey), cancellationToken: c));
                await Eventually.True(() => rotated.Count > 0, "the new key streaming");

                // Step 2: the old key is removed: its stream ends, the others (and the new key's) go on.
                WriteAppSettings(root, ids.Select((id, i) => (id, i == 0 ? new[] { newHash } : [keys[i].Hash])));
                await Eventually.True(() => streams[0].Ended is not null, "the revoked key's stream ended");
                counts = [.. streams.Select(s => s.Count)];
                int rotatedCount = rotated.Count;
                await Eventually.True(() => streams.Skip(1).Select((s, i) => s.Count > counts[i + 1] + 20).All(x => x) && rotated.Count > rotatedCount + 20, "the others streaming on");
                StatusCode oldKeyNow = await Credentials.StatusOf(() => positions.GetLatestPositionsAsync(new GetLatestPositionsRequest(), Credentials.Bearer(keys[0].Key)).ResponseAsync);

                Assert.Equal(StatusCode.Unauthenticated, streams[0].Ended);
                Assert.Contains("revoked", streams[0].EndDetail, StringComparison.Ordinal);
                Assert.All(streams.Skip(1), s => Assert.Null(s.Ended));
                Assert.Null(rotated.Ended);
                Assert.Equal(StatusCode.Unauthenticated, oldKeyNow);
            }
            finally
            {
                foreach (StreamCollector<Position> s in streams)
                {
                    s.Dispose();
                }
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData("--BeidouHub:Listen=http://0.0.0.0:50051", true)]
    [InlineData("--BeidouHub:Listen=http://[::]:50051", true)]
    [InlineData("--BeidouHub:Listen=http://127.0.0.2:50051", false)]
    [InlineData("--BeidouHub:Listen=http://[::1]:50051", false)]
    [InlineData("--Kestrel:Endpoints:Park:Url=http://192.0.2.10:50051", true)]
    [InlineData("--Kestrel:Endpoints:Local:Url=http://localhost:50051", false)]
    public async Task TryCreate_ListenAddressWithoutApplications_RefusedBeyondLoopbackUnlessAllowAnonymous(string listen, bool refused)
    {
        // Plain HTTP/2 beyond loopback is allowed here (Tls:AllowInsecure): what is tested is the credentials rule.
        string[] receivers = ["--BeidouHub:Receivers:0:Id=sim", "--BeidouHub:Receivers:0:Source=sim://?rate=1", "--BeidouHub:Tls:AllowInsecure=true"];
        (_, string hash) = ApiKey.Generate();

        bool open = ServiceApp.TryCreate([.. receivers, listen], out Microsoft.AspNetCore.Builder.WebApplication? app, out List<string> errors);
        bool anonymous = ServiceApp.TryCreate([.. receivers, listen, "--BeidouHub:AllowAnonymous=true"], out Microsoft.AspNetCore.Builder.WebApplication? anonymousApp, out List<string> anonymousErrors);
        bool secured = ServiceApp.TryCreate([.. receivers, listen, .. Credentials.Application(0, "a", [hash], ["*"], ["positions"], ["*"])], out Microsoft.AspNetCore.Builder.WebApplication? securedApp, out List<string> securedErrors);

        Assert.Equal(!refused, open);
        Assert.Equal(refused ? [AccessControl.ExposureError(SecurityState.None, exposed: true)!] : [], errors);
        Assert.True(anonymous, string.Join("\n", anonymousErrors));
        Assert.True(secured, string.Join("\n", securedErrors));
        foreach (IAsyncDisposable built in new IAsyncDisposable?[] { app, anonymousApp, securedApp }.OfType<IAsyncDisposable>())
        {
            await built.DisposeAsync();
        }
    }

    // Written aside and renamed over the old file, as a deployment tool would: the service never
    // reads a half-written file.
    private static void WriteAppSettings(string root, IEnumerable<(string Id, string[] Keys)> applications)
    {
        var settings = new
        {
            BeidouHub = new
            {
                Applications = applications.Select(a => new { a.Id, a.Keys, Receivers = new[] { "*" }, Rpcs = new[] { "positions" }, Coordinates = new[] { "*" } }),
            },
        };
        string temp = Path.Combine(root, "appsettings.json.tmp");
        File.WriteAllText(temp, JsonSerializer.Serialize(settings));
        File.Move(temp, Path.Combine(root, "appsettings.json"), overwrite: true);
    }

    private sealed class ReloadableSource(ReloadableProvider provider) : IConfigurationSource
    {
        public IConfigurationProvider Build(IConfigurationBuilder builder) => provider;
    }

    private sealed class ReloadableProvider : ConfigurationProvider
    {
        public ReloadableProvider(Dictionary<string, string?> data)
        {
            foreach ((string k, string? v) in data)
            {
                Data[k] = v;
            }
        }

        public new void Set(string key, string? value)
        {
            Data[key] = value;
            OnReload();
        }

        public void Remove(string key)
        {
            Data.Remove(key);
        }
    }
}
