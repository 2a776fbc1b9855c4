using System.Text.Json;
using System.Text.Json.Nodes;
using BeidouHub.Protocol.V1;
using BeidouHub.Service.Security;
using BeidouHub.Service.Tests.Security;
using BeidouHub.Service.Tests.Support;
using BeidouHub.Service.Verbs;
using Grpc.Core;

namespace BeidouHub.Service.Tests.Verbs;

public class KeyVerbTests
{
    [Fact]
    public async Task Run_New_OutputPastedIntoAppSettingsLetsTheKeyIn()
    {
        var stdout = new StringWriter();
        int exit = KeyVerb.Run(["new", "logistics"], stdout, new StringWriter());
        string[] lines = stdout.ToString().Split('\n');
        string key = lines.Select(l => l.Trim()).Single(l => l.StartsWith("bhk_", StringComparison.Ordinal));
        int open = Array.FindIndex(lines, l => l.TrimEnd() == "{");
        int close = Array.FindIndex(lines, open, l => l.TrimEnd() == "}");
        JsonNode application = JsonNode.Parse(string.Join('\n', lines[open..(close + 1)]))!;

        string root = Directory.CreateTempSubdirectory("beidouhub-key-").FullName;
        try
        {
            var settings = new JsonObject { ["BeidouHub"] = new JsonObject { ["Applications"] = new JsonArray(application) } };
            await File.WriteAllTextAsync(Path.Combine(root, "appsettings.json"), settings.ToJsonString());
            await using ServiceFixture service = await ServiceFixture.StartAsync("--contentRoot=" + root, "--BeidouHub:Receivers:0:Id=sim", "--BeidouHub:Receivers:0:Source=sim://?rate=1");
            var receivers = new Protocol.V1.Receivers.ReceiversClient(service.Channel);

            ListReceiversResponse list = await receivers.ListReceiversAsync(new ListReceiversRequest(), Credentials.Bearer(key));
            StatusCode without = await Credentials.StatusOf(() => receivers.ListReceiversAsync(new ListReceiversRequest()).ResponseAsync);

            Assert.Equal(0, exit);
            Assert.Equal("logistics", (string?)application["Id"]);
            Assert.DoesNotContain(key[13..], application.ToJsonString(), StringComparison.Ordinal);
            Assert.Equal("sim", Assert.Single(list.Receivers).Id);
            Assert.Equal(StatusCode.Unauthenticated, without);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Run_New_HashLineAndEnvironmentLineMatchTheKey()
    {
        var stdout = new StringWriter();
        KeyVerb.Run(["new", "gate-office"], stdout, new StringWriter());
        string[] lines = [.. stdout.ToString().Split('\n').Select(l => l.Trim())];
        string key = lines.Single(l => l.StartsWith("bhk_", StringComparison.Ordinal));
        string quoted = lines.Single(l => l.StartsWith("\"sha256:", StringComparison.Ordinal));
        string env = lines.Single(l => l.StartsWith("BeidouHub__Applications__N__Keys__K=", StringComparison.Ordinal));

        Assert.True(KeyHash.TryParse(JsonSerializer.Deserialize<string>(quoted), out KeyHash? hash));
        Assert.True(hash.Matches(key));
        Assert.Equal(hash.Text, env.Split('=', 2)[1]);
    }

    [Theory]
    [InlineData("two words")]
    [InlineData("quo\"te")]
    [InlineData("back\\slash")]
    [InlineData("")]
    public void Run_IdThatCannotBeAJsonOrEnvironmentValue_RefusedNoKey(string id)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = KeyVerb.Run(["new", id], stdout, stderr);

        Assert.Equal(2, exit);
        Assert.Contains("is not an application id", stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal("", stdout.ToString());
    }

    [Theory]
    [InlineData(new string[0], 2)]
    [InlineData(new[] { "new" }, 2)]
    [InlineData(new[] { "new", "a", "b" }, 2)]
    [InlineData(new[] { "old", "logistics" }, 2)]
    [InlineData(new[] { "--help" }, 0)]
    public void Run_BadArguments_Usage(string[] args, int expected)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = KeyVerb.Run(args, stdout, stderr);

        Assert.Equal(expected, exit);
        Assert.Contains("usage: beidouhub key new APP", expected == 0 ? stdout.ToString() : stderr.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("bhk_", stdout.ToString(), StringComparison.Ordinal);
    }
}
