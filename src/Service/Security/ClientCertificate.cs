using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BeidouHub.Service.Security;

/// <summary>
/// A client certificate as the access check and the audit log see it: its SHA-256 thumbprint (the
/// configured pin), its subject and its validity.
/// </summary>
internal sealed record ClientCertificate(string Thumbprint, string Subject, DateTimeOffset NotBefore, DateTimeOffset NotAfter)
{
    /// <summary>Hex digits of a SHA-256 thumbprint.</summary>
    public const int ThumbprintLength = 64;

    /// <summary>Hex digits of the thumbprint shown in logs and statuses: enough to tell certificates apart, short enough to read.</summary>
    public const int PrefixLength = 16;

    /// <summary>How the audit lines and statuses name it: <c>certificate 3f9a1c0e5d0c7a12... (CN=gate-office, O=Park)</c>.</summary>
    public string Description => $"certificate {Thumbprint[..PrefixLength]}... ({Subject})";

    public static ClientCertificate From(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return new ClientCertificate(
            ThumbprintOf(certificate),
            Printable(certificate.Subject),
            new DateTimeOffset(certificate.NotBefore.ToUniversalTime()),
            new DateTimeOffset(certificate.NotAfter.ToUniversalTime()));
    }

    /// <summary>The SHA-256 of the certificate's DER encoding, lower-case hex: what <c>openssl x509 -noout -fingerprint -sha256</c> prints, without colons.</summary>
    public static string ThumbprintOf(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Convert.ToHexStringLower(certificate.GetCertHash(HashAlgorithmName.SHA256));
    }

    /// <summary>
    /// A configured thumbprint in its canonical form (64 lower-case hex digits). Taken: 64 hex
    /// digits in either case, or 32 colon-separated pairs as openssl prints them. Refused with a
    /// reason: a 40-digit SHA-1 thumbprint (what Windows and <c>X509Certificate2.Thumbprint</c>
    /// show; SHA-1 is not collision resistant), anything else.
    /// </summary>
    public static bool TryParseThumbprint(string text, [NotNullWhen(true)] out string? thumbprint, [NotNullWhen(false)] out string? problem)
    {
        thumbprint = null;
        string digits = text.Contains(':', StringComparison.Ordinal) && IsPairs(text) ? text.Replace(":", "", StringComparison.Ordinal) : text;
        if (digits.Length == ThumbprintLength && digits.All(char.IsAsciiHexDigit))
        {
            thumbprint = digits.ToLowerInvariant();
            problem = null;
            return true;
        }

        problem = digits.Length == 40 && digits.All(char.IsAsciiHexDigit)
            ? "a SHA-1 thumbprint; give the certificate's SHA-256 one"
            : "not a SHA-256 thumbprint (64 hex digits)";
        return false;
    }

    /// <summary>The subject for a log line: control characters (a newline would forge a second line) shown as <c>\u000a</c>.</summary>
    public static string Printable(string subject) =>
        subject.Any(char.IsControl)
            ? string.Concat(subject.Select(c => char.IsControl(c) ? string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}") : c.ToString()))
            : subject;

    private static bool IsPairs(string text)
    {
        string[] pairs = text.Split(':');
        return pairs.Length == ThumbprintLength / 2 && pairs.All(p => p.Length == 2);
    }
}
