using System.Runtime.CompilerServices;
using BeidouHub.Service.Security;

namespace BeidouHub.Service.Verbs;

/// <summary>
/// <c>beidouhub key new APP</c>: makes a new random API key for a park application and prints it
/// once, with the configuration entry that holds only its salted hash.
/// </summary>
internal static class KeyVerb
{
    public const string Usage = """
        usage: beidouhub key new APP
          prints a new API key for application APP (shown only this once) and the
          BeidouHub:Applications entry to add to appsettings.json, which holds only the key's hash.
          Rotation: add the new hash to the application's Keys, move the application to the new
          key, remove the old hash; the service applies each change without a restart.
        """;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args is ["-h" or "--help"] or ["new", "-h" or "--help"])
        {
            stdout.WriteLine(Usage);
            return 0;
        }

        if (args is not ["new", string application])
        {
            stderr.WriteLine($"key: expected 'new APP'\n{Usage}");
            return 2;
        }

        if (application.Length is 0 or > ApplicationScope.MaxIdLength || application.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '"' or '\\'))
        {
            stderr.WriteLine($"key: '{application}' is not an application id (no spaces, quotes or backslashes; at most {ApplicationScope.MaxIdLength} characters)");
            return 2;
        }

        (string key, string hash) = ApiKey.Generate();
        stdout.WriteLine($"""
            New API key for application '{application}'. Give it to the application now: it is shown only this once
            and the service keeps only its hash.

              {key}

            The application sends it with every call as the gRPC metadata  authorization: Bearer {key}
            (beidouhub watch --token KEY, or BEIDOUHUB_TOKEN=KEY).

            Add the application to BeidouHub:Applications in appsettings.json (narrow Receivers, Zones, Rpcs and
            Coordinates to what it may see; see README, "Securing the service"):

            {'{'}
              "Id": "{application}",
              "Keys": [ "{hash}" ],
              "Receivers": [ "*" ],
              "Zones": [ "*" ],
              "Rpcs": [ "positions", "sky", "zones", "receivers" ],
              "Coordinates": [ "*" ]
            {'}'}

            or, to rotate the key of an application already configured, add this line to its Keys (and remove the
            old key's line once the application uses the new key):

              "{hash}"

            As an environment variable (N: the application's index in BeidouHub:Applications, K: the key's):

              BeidouHub__Applications__N__Keys__K={hash}
            """);
        return 0;
    }
}
