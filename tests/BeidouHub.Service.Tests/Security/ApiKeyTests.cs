using System.Text.RegularExpressions;
using BeidouHub.Service.Security;

namespace BeidouHub.Service.Tests.Security;

public class ApiKeyTests
{
    [Fact]
    public void Generate_NewKey_PrefixKeyIdAnd256BitSecret()
    {
        (string key, string hash) = ApiKey.Generate();

        Match m = Regex.Match(key, "^bhk_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$");
        Assert.True(m.Success, key);
        Assert.Equal(32, Convert.FromBase64String(m.Groups[2].Value.Replace('-', '+').Replace('_', '/') + "=").Length);
        Assert.Matches($"^sha256:{m.Groups[1].Value}:[0-9a-f]{{32}}:[0-9a-f]{{64}}$", hash);
        Assert.DoesNotContain(m.Groups[2].Value, hash);
    }

    [Fact]
    public void Generate_TwoKeys_DifferInKeyIdSecretAndSalt()
    {
        (string a, string hashA) = ApiKey.Generate();
        (string b, string hashB) = ApiKey.Generate();

        Assert.NotEqual(a[4..12], b[4..12]);
        Assert.NotEqual(a[13..], b[13..]);
        Assert.NotEqual(hashA.Split(':')[2], hashB.Split(':')[2]);
    }

    [Fact]
    public void Matches_TheKeyItsHashWasMadeOf_True()
    {
        (string key, string hash) = ApiKey.Generate();

        Assert.True(KeyHash.TryParse(hash, out KeyHash? parsed));
        Assert.Equal(key[4..12], parsed.KeyId);
        Assert.True(parsed.Matches(key));
    }

    [Fact]
    public void Matches_OneSecretCharacterChanged_False()
    {
        (string key, string hash) = ApiKey.Generate();
        Assert.True(KeyHash.TryParse(hash, out KeyHash? parsed));
        char last = key[^1] == 'A' ? 'B' : 'A';

        Assert.False(parsed.Matches(key[..^1] + last));
        Assert.False(parsed.Matches(key + "x"));
        Assert.False(parsed.Matches(""));
    }

    [Fact]
    public void HashOf_SameKeyOtherSalt_OtherHashBothMatch()
    {
        (string key, _) = ApiKey.Generate();
        string one = ApiKey.HashOf(key, new byte[16]);
        string two = ApiKey.HashOf(key, Enumerable.Repeat((byte)7, 16).ToArray());

        Assert.NotEqual(one.Split(':')[3], two.Split(':')[3]);
        Assert.True(KeyHash.TryParse(one, out KeyHash? a) && a.Matches(key));
        Assert.True(KeyHash.TryParse(two, out KeyHash? b) && b.Matches(key));
    }

    [Fact]
    public void HashOf_KnownKeyAndSalt_HmacSha256OfTheWholeKey()
    {
        // HMAC-SHA256(key = salt 00..0f, message = "bhk_0123abcd_" + 43 'A'), as `openssl dgst -sha256 -mac HMAC -macopt hexkey:000102030405060708090a0b0c0d0e0f` gives it.
        string key = "bhk_0123abcd_" + new string('A', 43);
        byte[] salt = [.. Enumerable.Range(0, 16).Select(i => (byte)i)];

        Assert.Equal("sha256:0123abcd:000102030405060708090a0b0c0d0e0f:c600f9af752e16dc8ce81a5475daec4b93306a40ee230368cb4748ed19b069eb", ApiKey.HashOf(key, salt));
    }

    [Theory]
    [InlineData("bhk_0123abcd_" + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", true)]
    [InlineData("bhk_0123ABCD_" + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", false)]
    [InlineData("bhk_0123abc_" + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", false)]
    [InlineData("bhk_0123abcd_" + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", false)]
    [InlineData("bhk_0123abcd_" + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", false)]
    [InlineData("xhk_0123abcd_" + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", false)]
    [InlineData("bhk_0123abcd-" + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", false)]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.e30.c2ln", false)]
    public void TryKeyId_Form_OnlyTheExactKeyShape(string presented, bool expected)
    {
        Assert.Equal(expected, ApiKey.TryKeyId(presented, out string? keyId));
        Assert.Equal(expected ? "0123abcd" : null, keyId);
    }

    [Theory]
    [InlineData("sha256:0123abcd:000102030405060708090a0b0c0d0e0f:0000000000000000000000000000000000000000000000000000000000000000", true)]
    [InlineData("sha1:0123abcd:000102030405060708090a0b0c0d0e0f:0000000000000000000000000000000000000000000000000000000000000000", false)]
    [InlineData("sha256:0123abcd:0001020304050607:0000000000000000000000000000000000000000000000000000000000000000", true)]
    [InlineData("sha256:0123abcd:00010203040506:0000000000000000000000000000000000000000000000000000000000000000", false)]
    [InlineData("sha256:0123abcd:000102030405060708090a0b0c0d0e0:0000000000000000000000000000000000000000000000000000000000000000", false)]
    [InlineData("sha256:0123abcd:000102030405060708090a0b0c0d0e0f:000000000000000000000000000000000000000000000000000000000000000", false)]
    [InlineData("sha256:0123ABCD:000102030405060708090a0b0c0d0e0f:0000000000000000000000000000000000000000000000000000000000000000", false)]
    [InlineData("sha256:0123abcd:000102030405060708090a0b0c0d0e0f", false)]
    [InlineData("bhk_0123abcd_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", false)]
    [InlineData(null, false)]
    public void TryParse_HashLine_OnlyWellFormed(string? line, bool expected)
    {
        Assert.Equal(expected, KeyHash.TryParse(line, out KeyHash? hash));
        Assert.Equal(expected, hash is not null);
    }
}
