using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using BeidouHub.Service.Configuration;
using Microsoft.IdentityModel.Tokens;

namespace BeidouHub.Service.Security;

/// <summary>One configured application: its scope, key hashes and client certificate thumbprints.</summary>
internal sealed record ConfiguredApplication(string Id, ApplicationScope Scope, IReadOnlyList<KeyHash> Keys, IReadOnlyList<string> Certificates)
{
    public ConfiguredApplication(string id, ApplicationScope scope, IReadOnlyList<KeyHash> keys)
        : this(id, scope, keys, [])
    {
    }
}

/// <summary>A configured key and the application it belongs to.</summary>
internal sealed record ConfiguredKey(KeyHash Hash, ConfiguredApplication Application);

/// <summary>A configured client certificate thumbprint (SHA-256, lower-case hex) and the application it belongs to.</summary>
internal sealed record ConfiguredCertificate(string Thumbprint, ConfiguredApplication Application);

/// <summary>The JWT settings as validation uses them, keys loaded.</summary>
internal sealed record JwtSettings(string Issuer, string Audience, IReadOnlyList<SecurityKey> SigningKeys, string? Authority, TimeSpan ClockSkew, string Fingerprint);

/// <summary>
/// The access configuration as the service enforces it, built from <c>BeidouHub:Applications</c>,
/// <c>BeidouHub:Jwt</c> and <c>BeidouHub:AllowAnonymous</c>; immutable, replaced as a whole when
/// the configuration changes.
/// </summary>
internal sealed class SecurityState
{
    public SecurityState(IReadOnlyList<ConfiguredApplication> applications, JwtSettings? jwt, bool allowAnonymous)
    {
        Applications = applications.ToFrozenDictionary(a => a.Id, StringComparer.Ordinal);
        Keys = applications.SelectMany(a => a.Keys.Select(k => new ConfiguredKey(k, a))).ToFrozenDictionary(k => k.Hash.KeyId, StringComparer.Ordinal);
        Certificates = applications.SelectMany(a => a.Certificates.Select(t => new ConfiguredCertificate(t, a))).ToFrozenDictionary(c => c.Thumbprint, StringComparer.Ordinal);
        Jwt = jwt;
        AllowAnonymous = allowAnonymous;
        Fingerprint = string.Join("\n", applications.OrderBy(a => a.Id, StringComparer.Ordinal)
                .Select(a => $"{a.Scope.Fingerprint}|exp={a.Scope.ExpiresAt:O}|keys={string.Join(",", a.Keys.Select(k => k.Text))}|certificates={string.Join(",", a.Certificates)}"))
            + $"\njwt={jwt?.Fingerprint}\nanonymous={allowAnonymous}";
    }

    public static SecurityState None { get; } = new([], null, allowAnonymous: false);

    public FrozenDictionary<string, ConfiguredApplication> Applications { get; }

    /// <summary>Keys by key id (the public part of a presented key): one lookup per call.</summary>
    public FrozenDictionary<string, ConfiguredKey> Keys { get; }

    /// <summary>Client certificates by SHA-256 thumbprint: one lookup per call.</summary>
    public FrozenDictionary<string, ConfiguredCertificate> Certificates { get; }

    public JwtSettings? Jwt { get; }

    public bool AllowAnonymous { get; }

    /// <summary>Everything that matters for access, as text: a reload that changes none of it changes nothing.</summary>
    public string Fingerprint { get; }

    /// <summary>No applications and no JWT: every client sees everything.</summary>
    public bool IsOpen => Applications.Count == 0 && Jwt is null;

    /// <summary>For the start-up and reload log lines.</summary>
    public string Summary => IsOpen
        ? "no applications configured: every client sees everything" + (AllowAnonymous ? " (AllowAnonymous)" : " (loopback only)")
        : $"{Applications.Count} application(s) with {Keys.Count} key(s){(Certificates.Count == 0 ? "" : $" and {Certificates.Count} client certificate(s)")}{(Jwt is null ? "" : $", JWT from issuer {Jwt.Issuer} for audience {Jwt.Audience}")}; calls without a valid credential are refused (health stays open)";
}

/// <summary>Reads and checks the access configuration: one line per bad value, as start-up errors are reported.</summary>
internal static class SecurityConfig
{
    public const string Section = "BeidouHub";

    /// <summary>The start-up check of the access sections: one line per bad value, none when all is well.</summary>
    public static List<string> Errors(BeidouHubOptions options) =>
        Build(options.Applications, options.Jwt, options.AllowAnonymous, options.Tls.ClientCertificates != TlsClientCertificates.None, out _);

    /// <summary>Builds the enforced form for a service that asks no client for a certificate.</summary>
    public static List<string> Build(IReadOnlyList<ApplicationConfig> applications, JwtConfig? jwt, bool allowAnonymous, out SecurityState? state) =>
        Build(applications, jwt, allowAnonymous, clientCertificates: false, out state);

    /// <summary>
    /// Builds the enforced form, or the lines that say what is wrong (then <paramref name="state"/> is null).
    /// <paramref name="clientCertificates"/>: the service's endpoint asks clients for certificates
    /// (<c>Tls:ClientCertificates</c> Allow or Require); without it an application's
    /// <c>Certificates</c> could never match and are refused.
    /// </summary>
    public static List<string> Build(IReadOnlyList<ApplicationConfig> applications, JwtConfig? jwt, bool allowAnonymous, bool clientCertificates, out SecurityState? state)
    {
        var errors = new List<string>();
        var built = new List<ConfiguredApplication>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var keyIds = new Dictionary<string, string>(StringComparer.Ordinal);
        var thumbprints = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < applications.Count; i++)
        {
            ApplicationConfig a = applications[i];
            string where = $"BeidouHub:Applications:{i}";
            if (string.IsNullOrWhiteSpace(a.Id))
            {
                errors.Add($"{where}:Id: missing");
                continue;
            }

            if (!ids.Add(a.Id))
            {
                errors.Add($"{where}:Id: duplicate application id '{a.Id}'");
                continue;
            }

            var keys = new List<KeyHash>();
            for (int k = 0; k < a.Keys.Count; k++)
            {
                string line = a.Keys[k];
                if (ApiKey.LooksLikeKey(line))
                {
                    errors.Add($"{where}:Keys:{k}: this is a key itself, not its hash; configuration holds only hashes ('beidouhub key new {a.Id}' prints both)");
                }
                else if (!KeyHash.TryParse(line, out KeyHash? hash))
                {
                    errors.Add($"{where}:Keys:{k}: not a key hash (expected sha256:<key id>:<salt>:<hash> as 'beidouhub key new' prints it)");
                }
                else if (keyIds.TryGetValue(hash.KeyId, out string? owner))
                {
                    errors.Add($"{where}:Keys:{k}: key id {hash.KeyId} is already {owner}'s; make a new key");
                }
                else
                {
                    keyIds[hash.KeyId] = $"{where}:Keys:{k}";
                    keys.Add(hash);
                }
            }

            List<string> certificates = Certificates(a, where, clientCertificates, thumbprints, errors);
            int before = errors.Count;
            IdScope receivers = Ids(a.Receivers, $"{where}:Receivers", errors);
            if (receivers.IsEmpty && errors.Count == before)
            {
                errors.Add($"{where}:Receivers: empty; list receiver ids or patterns (truck-*), or \"*\" for all receivers");
            }

            IdScope zones = Ids(a.Zones, $"{where}:Zones", errors);
            ApiParts apis = Parts(a.Rpcs, $"{where}:Rpcs", ApiNames, ApiParts.All, errors);
            if (apis == ApiParts.None && a.Rpcs.Count == 0)
            {
                errors.Add($"{where}:Rpcs: empty; list what it may call: positions, sky, zones, receivers, or \"*\"");
            }

            CoordinateParts coordinates = Parts(a.Coordinates, $"{where}:Coordinates", CoordinateNames, CoordinateParts.All, errors);
            if (coordinates == CoordinateParts.None && a.Coordinates.Count == 0 && (apis & ApiParts.Positions) != 0)
            {
                errors.Add($"{where}:Coordinates: empty, so its positions would carry none; list geodetic, grid, park, gcj02, bd09, or \"*\"");
            }

            if (double.IsNaN(a.MaxRateHz) || a.MaxRateHz < 0)
            {
                errors.Add($"{where}:MaxRateHz: {a.MaxRateHz}; 0 (no cap) or a positive rate");
            }

            built.Add(new ConfiguredApplication(a.Id, new ApplicationScope(a.Id, receivers, zones, apis, coordinates, a.MaxRateHz, a.Expires), keys, certificates));
        }

        JwtSettings? jwtSettings = jwt is null ? null : Jwt(jwt, errors);
        state = errors.Count == 0 ? new SecurityState(built, jwtSettings, allowAnonymous) : null;
        return errors;
    }

    public static readonly IReadOnlyDictionary<string, ApiParts> ApiNames = new Dictionary<string, ApiParts>(StringComparer.OrdinalIgnoreCase)
    {
        ["positions"] = ApiParts.Positions,
        ["sky"] = ApiParts.Sky,
        ["zones"] = ApiParts.Zones,
        ["receivers"] = ApiParts.Receivers,
    };

    public static readonly IReadOnlyDictionary<string, CoordinateParts> CoordinateNames = new Dictionary<string, CoordinateParts>(StringComparer.OrdinalIgnoreCase)
    {
        ["geodetic"] = CoordinateParts.Geodetic,
        ["grid"] = CoordinateParts.Grid,
        ["park"] = CoordinateParts.Park,
        ["gcj02"] = CoordinateParts.Gcj02,
        ["bd09"] = CoordinateParts.Bd09,
    };

    /// <summary>Names to flags; unknown names go to <paramref name="errors"/> (null: ignore them).</summary>
    public static T Parts<T>(IEnumerable<string> names, string where, IReadOnlyDictionary<string, T> known, T all, List<string>? errors)
        where T : struct, Enum
    {
        int parts = 0;
        int k = 0;
        foreach (string raw in names)
        {
            string name = raw.Trim();
            if (name == "*")
            {
                parts |= Convert.ToInt32(all, System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (known.TryGetValue(name, out T part))
            {
                parts |= Convert.ToInt32(part, System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                errors?.Add($"{where}:{k}: unknown '{name}'; one of {string.Join(", ", known.Keys)}, or \"*\"");
            }

            k++;
        }

        return (T)Enum.ToObject(typeof(T), parts);
    }

    // The thumbprints pinned to an application, each configured once in the whole section.
    private static List<string> Certificates(ApplicationConfig a, string where, bool clientCertificates, Dictionary<string, string> owners, List<string> errors)
    {
        var certificates = new List<string>();
        if (a.Certificates.Count > 0 && !clientCertificates)
        {
            errors.Add($"{where}:Certificates: the service asks no client for a certificate; set {TlsConfig.Section}:ClientCertificates to Allow or Require, with ClientCaFile (on BeidouHub:Listen: Kestrel:Endpoints does not take client certificates here)");
            return certificates;
        }

        for (int c = 0; c < a.Certificates.Count; c++)
        {
            string line = a.Certificates[c];
            if (!ClientCertificate.TryParseThumbprint(line, out string? thumbprint, out string? problem))
            {
                errors.Add($"{where}:Certificates:{c}: {problem} ('beidouhub key cert FILE {a.Id}' prints it)");
            }
            else if (owners.TryGetValue(thumbprint, out string? owner))
            {
                errors.Add($"{where}:Certificates:{c}: certificate {thumbprint[..ClientCertificate.PrefixLength]}... is already {owner}'s; one certificate is one application");
            }
            else
            {
                owners[thumbprint] = $"{where}:Certificates:{c}";
                certificates.Add(thumbprint);
            }
        }

        return certificates;
    }

    private static IdScope Ids(List<string> entries, string where, List<string> errors)
    {
        for (int k = 0; k < entries.Count; k++)
        {
            string e = entries[k];
            if (string.IsNullOrWhiteSpace(e) || e.Trim().Length != e.Length || e.Length > ApplicationScope.MaxIdLength)
            {
                errors.Add($"{where}:{k}: '{e}' is not an id or pattern (no spaces around it, at most {ApplicationScope.MaxIdLength} characters)");
            }
        }

        return IdScope.From(entries);
    }

    private static JwtSettings? Jwt(JwtConfig jwt, List<string> errors)
    {
        const string Where = "BeidouHub:Jwt";
        int before = errors.Count;
        if (string.IsNullOrWhiteSpace(jwt.Issuer))
        {
            errors.Add($"{Where}:Issuer: missing (the iss tokens carry)");
        }

        if (string.IsNullOrWhiteSpace(jwt.Audience))
        {
            errors.Add($"{Where}:Audience: missing (the aud tokens carry)");
        }

        if (jwt.SigningKeyFile is null && jwt.JwksFile is null && string.IsNullOrWhiteSpace(jwt.Authority))
        {
            errors.Add($"{Where}: give SigningKeyFile (PEM public key or certificate) or JwksFile, or Authority to fetch the keys");
        }

        if (jwt.Authority is { Length: > 0 } authority && !Uri.TryCreate(authority, UriKind.Absolute, out _))
        {
            errors.Add($"{Where}:Authority: '{authority}' is not a URL");
        }

        if (jwt.ClockSkew < TimeSpan.Zero || jwt.ClockSkew > TimeSpan.FromMinutes(10))
        {
            errors.Add($"{Where}:ClockSkew: {jwt.ClockSkew}; between 00:00:00 and 00:10:00");
        }

        var keys = new List<SecurityKey>();
        var fingerprint = new StringBuilder($"{jwt.Issuer}|{jwt.Audience}|{jwt.Authority}|{jwt.ClockSkew}");
        if (jwt.SigningKeyFile is { } pemFile && ReadFile(pemFile, $"{Where}:SigningKeyFile", errors) is { } pem)
        {
            fingerprint.Append('|').Append(pem);
            if (PemKey(pem) is { } key)
            {
                keys.Add(key);
            }
            else
            {
                errors.Add($"{Where}:SigningKeyFile '{Path.GetFullPath(pemFile)}': no PEM public key (RSA or EC) or certificate in it");
            }
        }

        if (jwt.JwksFile is { } jwksFile && ReadFile(jwksFile, $"{Where}:JwksFile", errors) is { } jwks)
        {
            fingerprint.Append('|').Append(jwks);
            try
            {
                IList<SecurityKey> set = new JsonWebKeySet(jwks).GetSigningKeys();
                if (set.Count == 0)
                {
                    errors.Add($"{Where}:JwksFile '{Path.GetFullPath(jwksFile)}': no signing key in it");
                }

                keys.AddRange(set);
            }
            catch (ArgumentException e)
            {
                errors.Add($"{Where}:JwksFile '{Path.GetFullPath(jwksFile)}': not a JWKS document ({e.Message})");
            }
        }

        return errors.Count == before
            ? new JwtSettings(jwt.Issuer, jwt.Audience, keys, string.IsNullOrWhiteSpace(jwt.Authority) ? null : jwt.Authority, jwt.ClockSkew, fingerprint.ToString())
            : null;
    }

    private static string? ReadFile(string path, string where, List<string> errors)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            errors.Add($"{where} '{Path.GetFullPath(path)}': {e.Message}");
            return null;
        }
    }

    // A PEM public key (SubjectPublicKeyInfo, RSA or EC; or PKCS#1 RSA) or certificate.
    private static SecurityKey? PemKey(string pem)
    {
        if (pem.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            try
            {
                return new X509SecurityKey(X509Certificate2.CreateFromPem(pem));
            }
            catch (CryptographicException)
            {
                return null;
            }
        }

        try
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return new RsaSecurityKey(rsa);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            // Not RSA: try EC.
        }

        try
        {
            var ec = ECDsa.Create();
            ec.ImportFromPem(pem);
            return new ECDsaSecurityKey(ec);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return null;
        }
    }
}
