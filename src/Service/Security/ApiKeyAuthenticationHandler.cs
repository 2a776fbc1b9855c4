using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace BeidouHub.Service.Security;

/// <summary>
/// The ASP.NET Core authentication scheme for API keys (<c>authorization: Bearer bhk_...</c>):
/// finds the key by its public key id (one dictionary lookup), compares the salted hash in
/// constant time and checks the application's expiry on the service's clock. The ticket carries
/// the application's <see cref="Grant"/>, built when the configuration was read.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler : AuthenticationHandler<AuthenticationSchemeOptions>
{
    public const string SchemeName = "ApiKey";
    public const string GrantParameter = "beidouhub.grant";

    private readonly AccessControl _access;

    public ApiKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, AccessControl access)
        : base(options, logger, encoder)
    {
        _access = access;
    }

    /// <summary>The token of an <c>authorization: Bearer &lt;token&gt;</c> header.</summary>
    public static bool TryBearer(HttpRequest request, [NotNullWhen(true)] out string? token)
    {
        token = null;
        string? header = request.Headers.Authorization;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        token = header[7..].Trim();
        return token.Length > 0;
    }

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!TryBearer(Request, out string? token))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!ApiKey.TryKeyId(token, out string? keyId))
        {
            return Fail("not a BeidouHub key (bhk_<key id>_<secret>) nor a JWT");
        }

        SecurityState state = _access.Current;
        if (!state.Keys.TryGetValue(keyId, out ConfiguredKey? key))
        {
            return Fail($"unknown key {keyId}");
        }

        if (!key.Hash.Matches(token))
        {
            return Fail($"key {keyId} does not match its hash");
        }

        ApplicationScope scope = key.Application.Scope;
        if (scope.ExpiresAt is { } expires && _access.Time.GetUtcNow() >= expires)
        {
            return Fail(string.Create(CultureInfo.InvariantCulture, $"key {keyId}: application '{scope.ApplicationId}' expired at {expires.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}"));
        }

        var identity = new ClaimsIdentity([new Claim("bh_app", scope.ApplicationId), new Claim("bh_key", keyId)], SchemeName, "bh_app", null);
        var properties = new AuthenticationProperties();
        properties.Parameters[GrantParameter] = new Grant(scope, CredentialKind.ApiKey, keyId, key.Hash.Text);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), properties, SchemeName)));
    }

    private static Task<AuthenticateResult> Fail(string reason) => Task.FromResult(AuthenticateResult.Fail(reason));
}
