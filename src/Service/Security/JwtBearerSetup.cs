using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace BeidouHub.Service.Security;

/// <summary>
/// Configures the JwtBearer scheme from the access configuration in force, offline: issuer,
/// audience and the signing keys from <c>BeidouHub:Jwt</c> (an Authority, when given, adds the
/// keys it publishes). Rebuilt when the configuration changes. Lifetimes are checked on the
/// service's <see cref="TimeProvider"/>.
/// </summary>
internal sealed class JwtBearerSetup : IConfigureNamedOptions<JwtBearerOptions>
{
    public const string Scheme = "Jwt";

    // Asymmetric algorithms only: the service holds public keys, never a shared secret, and a token
    // signed with HS256 using the public key as its secret is the classic confusion attack.
    private static readonly string[] Algorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    private readonly AccessControl _access;

    public JwtBearerSetup(AccessControl access, IOptionsMonitorCache<JwtBearerOptions> cache)
    {
        _access = access;
        access.Changed += _ => cache.TryRemove(Scheme);
    }

    public void Configure(string? name, JwtBearerOptions options)
    {
        if (name == Scheme)
        {
            Configure(options);
        }
    }

    public void Configure(JwtBearerOptions options)
    {
        JwtSettings? jwt = _access.Current.Jwt;
        options.MapInboundClaims = false;
        options.TimeProvider = _access.Time;
        options.Authority = jwt?.Authority;
        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = jwt?.Issuer,
            ValidAudience = jwt?.Audience,
            IssuerSigningKeys = jwt?.SigningKeys ?? [],
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            ValidateIssuerSigningKey = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidAlgorithms = Algorithms,
            ClockSkew = jwt?.ClockSkew ?? TimeSpan.Zero,
            LifetimeValidator = ValidateLifetime,
            NameClaimType = "sub",
        };
    }

    // On the service's clock (IdentityModel's own check reads the system clock), with the skew.
    private bool ValidateLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        DateTime now = _access.Time.GetUtcNow().UtcDateTime;
        if (expires is not { } exp)
        {
            throw new SecurityTokenNoExpirationException("token has no exp");
        }

        if (now > exp.ToUniversalTime() + parameters.ClockSkew)
        {
            throw new SecurityTokenExpiredException("token expired") { Expires = exp };
        }

        if (notBefore is { } nbf && now < nbf.ToUniversalTime() - parameters.ClockSkew)
        {
            throw new SecurityTokenNotYetValidException("token not yet valid") { NotBefore = nbf };
        }

        return true;
    }

    /// <summary>
    /// The scope a validated token grants, from its claims: <c>bh_receivers</c>, <c>bh_zones</c>,
    /// <c>bh_rpcs</c>, <c>bh_coords</c> (each a JSON array or a space-separated string, names as in
    /// <c>BeidouHub:Applications</c>), <c>bh_max_rate</c> (Hz); the application id from
    /// <c>azp</c>, else <c>client_id</c>, else <c>sub</c>. A claim that is absent grants nothing.
    /// The grant expires at the token's <c>exp</c> plus the clock skew.
    /// </summary>
    public static Grant? FromClaims(ClaimsPrincipal principal, JwtSettings jwt, out string? error)
    {
        error = null;
        string? application = principal.FindFirst("azp")?.Value ?? principal.FindFirst("client_id")?.Value ?? principal.FindFirst("sub")?.Value;
        if (string.IsNullOrWhiteSpace(application))
        {
            error = "token names no application (azp, client_id or sub)";
            return null;
        }

        double maxRate = 0;
        if (principal.FindFirst("bh_max_rate")?.Value is { } rate
            && (!double.TryParse(rate, NumberStyles.Float, CultureInfo.InvariantCulture, out maxRate) || !(maxRate >= 0)))
        {
            error = $"bh_max_rate '{rate}' is not a rate";
            return null;
        }

        DateTimeOffset? expires = null;
        if (principal.FindFirst("exp")?.Value is { } exp && long.TryParse(exp, NumberStyles.Integer, CultureInfo.InvariantCulture, out long seconds))
        {
            expires = DateTimeOffset.FromUnixTimeSeconds(seconds) + jwt.ClockSkew;
        }

        var scope = new ApplicationScope(
            application,
            IdScope.From(Values(principal, "bh_receivers")),
            IdScope.From(Values(principal, "bh_zones")),
            SecurityConfig.Parts(Values(principal, "bh_rpcs"), "bh_rpcs", SecurityConfig.ApiNames, ApiParts.All, errors: null),
            SecurityConfig.Parts(Values(principal, "bh_coords"), "bh_coords", SecurityConfig.CoordinateNames, CoordinateParts.All, errors: null),
            maxRate,
            expires);
        return new Grant(scope, CredentialKind.Jwt, null, jwt.Fingerprint);
    }

    // A JSON array claim arrives as one claim per element; a string may list several, space-separated (as OAuth's scope).
    private static IEnumerable<string> Values(ClaimsPrincipal principal, string type) =>
        principal.FindAll(type).SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
