using BeidouHub.Receiver.Sources;
using Microsoft.Extensions.Time.Testing;

namespace BeidouHub.Receiver.Tests.Sources;

public class SourceSchemesTests
{
    private static readonly SourceSchemes WithTest = SourceSchemes.Receiver.With(TestOptions.Scheme);

    [Theory]
    [InlineData("ftp://x", "'ftp://x': unknown scheme 'ftp' (expected serial, tcp or replay)")]
    [InlineData("sim://?rate=1", "'sim://?rate=1': unknown scheme 'sim' (expected serial, tcp or replay)")]
    [InlineData("/dev/ttyUSB0", "'/dev/ttyUSB0' is not a source URI (expected serial://, tcp:// or replay://)")]
    [InlineData(" ", "empty source URI")]
    public void TryParse_ReceiverSchemes_NamesOnlyItsOwnInErrors(string uri, string message)
    {
        Assert.False(SourceSchemes.Receiver.TryParse(uri, out SourceOptions? options, out string? error));

        Assert.Null(options);
        Assert.Equal(message, error);
    }

    [Theory]
    [InlineData("ftp://x", "'ftp://x': unknown scheme 'ftp' (expected serial, tcp, replay or test)")]
    [InlineData("/dev/ttyUSB0", "'/dev/ttyUSB0' is not a source URI (expected serial://, tcp://, replay:// or test://)")]
    [InlineData("test://p?bad=1", "'test://p?bad=1': bad=1 refused")]
    [InlineData("test://p?a=1&A=2", "'test://p?a=1&A=2': parameter 'A' given twice")]
    [InlineData("tcp://host", "'tcp://host': expected tcp://host:port with a port in 1-65535")]
    public void TryParse_AddedScheme_NamedInErrorsAndItsParserErrorsCarryTheUri(string uri, string message)
    {
        Assert.False(WithTest.TryParse(uri, out _, out string? error));

        Assert.Equal(message, error);
    }

    [Fact]
    public void TryParse_AddedScheme_ItsParserGetsPathAndUnescapedCaseInsensitiveQuery()
    {
        var options = Assert.IsType<TestOptions>(WithTest.Parse("TEST://some/path?Colour=dark%20red&n=3"));

        Assert.Equal("TEST://some/path?Colour=dark%20red&n=3", options.Uri);
        Assert.Equal("some/path", options.Path);
        Assert.Equal("dark red", options.Query["colour"]);
        Assert.Equal("3", options.Query["N"]);
        Assert.IsType<TcpSourceOptions>(WithTest.Parse("tcp://127.0.0.1:4001")); // the Receiver's schemes still there
    }

    [Fact]
    public void With_SchemeAlreadyKnown_Throws()
    {
        Assert.Throws<ArgumentException>(() => SourceSchemes.Receiver.With(new SourceScheme("TCP", TestOptions.Scheme.Parse)));
        Assert.Throws<ArgumentException>(() => WithTest.With(TestOptions.Scheme));
    }

    [Fact]
    public void TryCreate_AddedSchemesOptions_TheirOwnSourceOrReason()
    {
        Assert.True(ByteSources.TryCreate(WithTest.Parse("test://ok"), out IByteSource? source, out string? error));
        Assert.Same(TestOptions.Source, source);
        Assert.Null(error);

        Assert.Same(TimeProvider.System, TestOptions.LastTime);
        var clock = new FakeTimeProvider();
        Assert.True(ByteSources.TryCreate(WithTest.Parse("test://ok"), clock, out _, out _));
        Assert.Same(clock, TestOptions.LastTime);

        Assert.False(ByteSources.TryCreate(WithTest.Parse("test://refuse"), out source, out error));
        Assert.Null(source);
        Assert.Equal("refused by the source", error);
        Assert.Equal("refused by the source", Assert.Throws<ArgumentException>(() => ByteSources.Create(WithTest.Parse("test://refuse"))).Message.Split(" (Parameter")[0]);
    }

    private sealed record TestOptions(string Uri, string Path, IReadOnlyDictionary<string, string> Query) : SourceOptions(Uri)
    {
        public static SourceScheme Scheme { get; } = new("test", Create);

        public static IByteSource Source { get; } = new NoSource();

        public static TimeProvider? LastTime { get; private set; }

        protected internal override bool TryCreateSource(TimeProvider time, out IByteSource? source, out string? reason)
        {
            LastTime = time;
            bool ok = Path != "refuse";
            source = ok ? Source : null;
            reason = ok ? null : "refused by the source";
            return ok;
        }

        private static TestOptions? Create(string uri, string path, IReadOnlyDictionary<string, string> query, out string? error)
        {
            error = query.ContainsKey("bad") ? "bad=1 refused" : null;
            return error is null ? new TestOptions(uri, path, query) : null;
        }
    }

    private sealed class NoSource : IByteSource
    {
        public string Description => "none";

        public bool EndsWhenDrained => true;

        public Task<Stream> OpenAsync(CancellationToken cancellationToken) => Task.FromResult(Stream.Null);
    }
}
