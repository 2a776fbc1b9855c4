using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace BeidouHub.Service.Security;

/// <summary>
/// API keys: <c>bhk_&lt;key id&gt;_&lt;secret&gt;</c>, the key id 8 lower-case hex digits (32 random
/// bits, public: it names the key in configuration and logs and finds it in O(1)), the secret 32
/// random bytes in base64url (256 bits). Configuration holds only
/// <c>sha256:&lt;key id&gt;:&lt;salt&gt;:&lt;HMAC-SHA256(salt, key)&gt;</c> (hex).
/// </summary>
/// <remarks>
/// One salted HMAC-SHA256, not a slow password hash (PBKDF2, bcrypt, Argon2): those exist to make
/// guessing a low-entropy, human-chosen secret expensive; a 256-bit random secret cannot be
/// guessed from its hash at any hash speed. NIST SP 800-63B section 5.1.2.2 (look-up secrets)
/// asks exactly this: secrets of at least 112 bits of entropy are hashed with an approved one-way
/// function, and only shorter ones need a salted key derivation function (see also
/// security.stackexchange.com/q/232753). A slow hash would cost every call milliseconds of CPU and
/// hand a flood of bad keys an easy way to load the service. The salt keeps two configurations'
/// hashes of the same key apart; the comparison is in constant time
/// (<see cref="CryptographicOperations.FixedTimeEquals"/>).
/// </remarks>
internal static class ApiKey
{
    public const string Prefix = "bhk_";
    public const string HashScheme = "sha256:";
    public const int KeyIdLength = 8;
    public const int SecretBytes = 32;
    public const int SaltBytes = 16;

    // base64url without padding of 32 bytes.
    private const int SecretLength = 43;
    private const int KeyLength = 4 + KeyIdLength + 1 + SecretLength;

    /// <summary>A new random key and its configuration line (the hash form).</summary>
    public static (string Key, string Hash) Generate()
    {
        string keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(KeyIdLength / 2));
        string secret = Base64Url(RandomNumberGenerator.GetBytes(SecretBytes));
        string key = $"{Prefix}{keyId}_{secret}";
        return (key, HashOf(key, RandomNumberGenerator.GetBytes(SaltBytes)));
    }

    /// <summary>The hash form of a key with a given salt.</summary>
    public static string HashOf(string key, byte[] salt)
    {
        if (!TryKeyId(key, out string? keyId))
        {
            throw new ArgumentException("not a BeidouHub key (bhk_<key id>_<secret>)", nameof(key));
        }

        byte[] mac = HMACSHA256.HashData(salt, Encoding.ASCII.GetBytes(key));
        return $"{HashScheme}{keyId}:{Convert.ToHexStringLower(salt)}:{Convert.ToHexStringLower(mac)}";
    }

    /// <summary>
    /// The key id of a presented key, when it has the form of one. Only the form is checked: the
    /// key id can be logged (it is public); the secret never is.
    /// </summary>
    public static bool TryKeyId(string presented, [NotNullWhen(true)] out string? keyId)
    {
        keyId = null;
        if (presented.Length != KeyLength || !presented.StartsWith(Prefix, StringComparison.Ordinal) || presented[4 + KeyIdLength] != '_')
        {
            return false;
        }

        ReadOnlySpan<char> id = presented.AsSpan(4, KeyIdLength);
        foreach (char c in id)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        foreach (char c in presented.AsSpan(5 + KeyIdLength))
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_'))
            {
                return false;
            }
        }

        keyId = id.ToString();
        return true;
    }

    /// <summary>True when a presented key's form could be a key (for choosing the API-key scheme over JWT).</summary>
    public static bool LooksLikeKey(string presented) => presented.StartsWith(Prefix, StringComparison.Ordinal);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>One configured key: <c>sha256:&lt;key id&gt;:&lt;salt hex&gt;:&lt;HMAC-SHA256 hex&gt;</c>.</summary>
internal sealed class KeyHash
{
    private readonly byte[] _salt;
    private readonly byte[] _mac;

    private KeyHash(string keyId, byte[] salt, byte[] mac, string text)
    {
        KeyId = keyId;
        _salt = salt;
        _mac = mac;
        Text = text;
    }

    public string KeyId { get; }

    /// <summary>The configuration form, for telling a rotated key from an unchanged one.</summary>
    public string Text { get; }

    public static bool TryParse(string? text, [NotNullWhen(true)] out KeyHash? hash)
    {
        hash = null;
        if (text is null || !text.StartsWith(ApiKey.HashScheme, StringComparison.Ordinal))
        {
            return false;
        }

        string[] parts = text[ApiKey.HashScheme.Length..].Split(':');
        if (parts.Length != 3 || parts[0].Length != ApiKey.KeyIdLength || parts[1].Length < 16 || parts[1].Length % 2 != 0 || parts[2].Length != 64
            || !IsLowerHex(parts[0]) || !IsLowerHex(parts[1]) || !IsLowerHex(parts[2]))
        {
            return false;
        }

        hash = new KeyHash(parts[0], Convert.FromHexString(parts[1]), Convert.FromHexString(parts[2]), text);
        return true;
    }

    /// <summary>Whether a presented key (already known to carry this key id) is this key; constant time in the key's bytes.</summary>
    public bool Matches(string presented)
    {
        Span<byte> key = stackalloc byte[128];
        if (presented.Length > key.Length)
        {
            return false;
        }

        int n = Encoding.ASCII.GetBytes(presented, key);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_salt, key[..n], mac);
        return CryptographicOperations.FixedTimeEquals(mac, _mac);
    }

    private static bool IsLowerHex(string s)
    {
        foreach (char c in s)
        {
            if (!char.IsAsciiDigit(c) && !char.IsAsciiHexDigitLower(c))
            {
                return false;
            }
        }

        return true;
    }
}
