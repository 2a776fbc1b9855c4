using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using BeidouHub.Receiver.Corrections;
using BeidouHub.Service.Corrections;

namespace BeidouHub.Service.Verbs;

/// <summary>
/// <c>beidouhub ntrip list URL</c>: a caster's source table, one mountpoint a line, to pick the
/// mountpoint for <c>BeidouHub:Corrections</c> (format, systems, position, whether it wants GGA).
/// </summary>
internal static class NtripVerb
{
    /// <summary>Where the password is read from when --password is not given (a command line is visible to every user of the machine).</summary>
    public const string PasswordVariable = "BEIDOUHUB_NTRIP_PASSWORD";

    public const string Usage = """
        usage: beidouhub ntrip list URL [--user U] [--password P] [--version 1|2] [--ca FILE] [--timeout 10s]
          lists the caster's mountpoints (its source table): format, navigation systems, position,
          whether it wants the receiver's GGA (VRS / nearest base), authentication, message types
          URL            ntrip://host:2101 or http://host:2101 (plain), https://host:443 or ntrips://host (TLS)
          --user U       for casters that want credentials for their table too
          --password P   or the environment variable BEIDOUHUB_NTRIP_PASSWORD
          --version V    1 or 2 (default 2; a caster that only knows 1.0 answers it anyway)
          --ca FILE      PEM CA the caster's TLS certificate must chain to (default: the system's)
          --timeout D    for the connection and the whole table (default 10s)
        exit 0 with the table, 1 when the caster cannot be reached or refuses, 2 on a usage error
        """;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        string? command = null, url = null, user = null, password = null, ca = null;
        NtripVersion version = NtripVersion.V2;
        TimeSpan timeout = TimeSpan.FromSeconds(10);
        var cli = new ArgumentReader("ntrip", args);
        while (cli.Read())
        {
            switch (cli.Option)
            {
                case null when command is null:
                    command = cli.Operand;
                    if (command != "list")
                    {
                        cli.Fail($"unknown command '{command}' (expected: list)");
                    }

                    break;
                case null when url is null:
                    url = cli.Operand;
                    break;
                case "--user":
                    user = cli.TryValue(out string u) ? u : null;
                    break;
                case "--password":
                    password = cli.TryValue(out string p) ? p : null;
                    break;
                case "--ca":
                    ca = cli.TryValue(out string c) ? c : null;
                    break;
                case "--version":
                    version = cli.TryChoice([("1", NtripVersion.V1), ("2", NtripVersion.V2)], out NtripVersion v) ? v : version;
                    break;
                case "--timeout":
                    timeout = cli.TryDuration(out TimeSpan t, TimeSpan.FromMinutes(10)) ? t : timeout;
                    break;
                default:
                    cli.Unexpected();
                    break;
            }
        }

        if (command is null || url is null)
        {
            cli.Fail("expected 'list URL' (see beidouhub ntrip --help)");
        }

        NtripEndpoint? endpoint = null;
        if (url is not null && !NtripEndpoint.TryParse(url, out endpoint, out string? urlError))
        {
            cli.Fail(urlError!);
        }

        int? exit = cli.Finish(stdout, stderr, Usage);
        if (exit is not null || endpoint is null)
        {
            return exit ?? 2;
        }

        user ??= endpoint.User;
        password ??= Environment.GetEnvironmentVariable(PasswordVariable) ?? endpoint.Password;
        RemoteCertificateValidationCallback? validation = null;
        if (ca is not null && !CorrectionsSetup.TryLoadCa(ca, out validation, out string? caError))
        {
            await stderr.WriteLineAsync($"ntrip: --ca {caError}").ConfigureAwait(false);
            return 2;
        }

        NtripSourceTable table;
        try
        {
            table = await NtripSourceTable.FetchAsync(endpoint, user, password, version, timeout, validation, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or System.Security.Authentication.AuthenticationException)
        {
            await stderr.WriteLineAsync($"ntrip: {endpoint.Display}: {e.Message}").ConfigureAwait(false);
            return 1;
        }

        await stdout.WriteAsync(Format(endpoint, table)).ConfigureAwait(false);
        return 0;
    }

    /// <summary>The table as columns, widest value per column, one mountpoint a line.</summary>
    internal static string Format(NtripEndpoint caster, NtripSourceTable table)
    {
        string[] header = ["MOUNTPOINT", "IDENTIFIER", "FORMAT", "SYSTEMS", "CARRIER", "LAT", "LON", "GGA", "AUTH", "FEE", "BITRATE", "MESSAGES"];
        List<string[]> rows = [header];
        foreach (NtripMountpoint m in table.Mountpoints)
        {
            rows.Add(
            [
                m.Mountpoint,
                m.Identifier,
                m.Format,
                m.NavSystems,
                m.Carrier switch { "0" => "none", "1" => "L1", "2" => "L1+L2", _ => m.Carrier },
                m.Latitude is { } lat ? lat.ToString("0.00", CultureInfo.InvariantCulture) : "",
                m.Longitude is { } lon ? lon.ToString("0.00", CultureInfo.InvariantCulture) : "",
                m.NeedsGga ? "yes" : "no",
                m.Authentication switch { "N" => "none", "B" => "basic", "D" => "digest", _ => m.Authentication },
                m.Fee ? "yes" : "no",
                m.Bitrate?.ToString(CultureInfo.InvariantCulture) ?? "",
                m.FormatDetails,
            ]);
        }

        int[] widths = [.. Enumerable.Range(0, header.Length).Select(c => rows.Max(r => r[c].Length))];
        var text = new System.Text.StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{caster.Display}: {table.Mountpoints.Count} mountpoint(s)");
        if (table.Casters.Count + table.Networks.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $", {table.Casters.Count} caster(s), {table.Networks.Count} network(s)");
        }

        text.Append('\n');
        foreach (string[] row in rows)
        {
            text.Append(string.Join("  ", row.Select((v, c) => c == row.Length - 1 ? v : v.PadRight(widths[c]))).TrimEnd()).Append('\n');
        }

        return text.ToString();
    }
}
