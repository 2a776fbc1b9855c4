using System.Runtime.CompilerServices;

namespace BeidouHub.Service.Verbs;

/// <summary>
/// <c>beidouhub serve [--BeidouHub:Receivers:0:Id=gate-1 --BeidouHub:Receivers:0:Source=serial:///dev/ttyUSB0?baud=115200 ...]</c>:
/// runs the service. Its arguments are configuration keys, handed to ASP.NET Core's configuration
/// as they are; configuration errors are printed one per line and exit 1.
/// </summary>
internal static class ServeVerb
{
    public const string Usage = """
        usage: beidouhub [serve] [--Section:Key=value | --Section:Key value]...
          Runs the service. Every option is a configuration key, as in appsettings.json, with ':' between
          the levels; these override appsettings.json and environment variables (BeidouHub__Listen=...):
          --BeidouHub:Listen=URL                     http://127.0.0.1:50051 (default; plain HTTP/2, loopback only)
                                                     or https://0.0.0.0:50051 with a certificate:
          --BeidouHub:Tls:CertificateFile=FILE       PEM certificate (and chain), with
          --BeidouHub:Tls:KeyFile=FILE               its PEM private key; or
          --BeidouHub:Tls:PfxFile=FILE               a PKCS#12 file (--BeidouHub:Tls:PfxPassword=...)
          --BeidouHub:Tls:ClientCertificates=MODE    None (default), Allow or Require (mTLS), with
          --BeidouHub:Tls:ClientCaFile=FILE          the CA that client certificates must chain to
          --BeidouHub:Tls:AllowInsecure=true         plain HTTP/2 on a non-loopback address (not advised)
          --BeidouHub:Receivers:0:Id=ID --BeidouHub:Receivers:0:Source=URI    a receiver (serial://, tcp://, replay://, sim://)
          --environment NAME, --contentRoot DIR      the host's own settings
          No receivers configured: the park recordings in seeds/ replay in a loop. README.md: "Configuration".
          'beidouhub tls-dev --out DIR' makes a CA and certificates to try TLS with.
        """;

    // The host's own command-line settings; anything else must be a Section:Key. --urls is not
    // among them: BeidouHub:Listen decides where Kestrel listens, and a --urls that is silently
    // overridden is a trap.
    private static readonly string[] HostKeys = ["--environment", "--contentRoot", "--applicationName"];

    /// <summary>Runs the service with the usage (on <c>--help</c>) on the console's stdout.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter stderr) => RunAsync(args, Console.Out, stderr);

    // Not inlined into Main, which is compiled with every verb in it: inlined, the verbs' state
    // machines loaded their types (Google.Protobuf among them) at every start, whatever the verb.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (Check(args, stdout, stderr) is { } exit)
        {
            return exit;
        }

        if (!ServiceApp.TryCreate(args, out WebApplication? app, out List<string> errors))
        {
            foreach (string error in errors)
            {
                await stderr.WriteLineAsync($"beidouhub: {error}").ConfigureAwait(false);
            }

            return 1;
        }

        await using (app!.ConfigureAwait(false))
        {
            try
            {
                await app!.RunAsync().ConfigureAwait(false);
            }
            catch (IOException e)
            {
                // Kestrel cannot bind (port in use): one line, not a stack trace.
                await stderr.WriteLineAsync($"beidouhub: cannot listen: {e.Message}").ConfigureAwait(false);
                return 1;
            }
        }

        return 0;
    }

    /// <summary>Help, or a usage error for an argument that is no configuration key; null to run.</summary>
    internal static int? Check(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var cli = new ArgumentReader("serve", args);
        while (cli.Read())
        {
            if (cli.Option is { } option && (IsConfigurationKey(option) || HostKeys.Contains(option, StringComparer.OrdinalIgnoreCase)))
            {
                cli.TryValue(out _);
            }
            else if (cli.Option is { } unknown)
            {
                cli.Fail($"unknown option '{unknown}': serve takes configuration keys such as --BeidouHub:Listen=https://0.0.0.0:50051 (see beidouhub serve --help)");
            }
            else
            {
                cli.Unexpected();
            }
        }

        return cli.Finish(stdout, stderr, Usage);
    }

    // --Section:Key: letters, digits and _ . - in each level, two levels at least.
    private static bool IsConfigurationKey(string option)
    {
        ReadOnlySpan<char> key = option.AsSpan(2);
        if (option.StartsWith("--", StringComparison.Ordinal) is false || key.IndexOf(':') <= 0 || key[^1] == ':')
        {
            return false;
        }

        foreach (char c in key)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is ':' or '_' or '.' or '-'))
            {
                return false;
            }
        }

        return !key.Contains("::", StringComparison.Ordinal);
    }
}
