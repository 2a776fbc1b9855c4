using BeidouHub.Service.Verbs;

namespace BeidouHub.Service.Tests.Verbs;

public class ArgumentReaderTests
{
    [Fact]
    public void Read_OptionsValuesAndOperands_InOrderWithBothValueForms()
    {
        var cli = new ArgumentReader("x", ["--a", "1", "--b=2", "file", "--flag", "-", "--", "--not-an-option"]);
        var seen = new List<string>();

        while (cli.Read())
        {
            seen.Add(cli.Option is { } o && o != "--flag" ? $"{o}={(cli.TryValue(out string v) ? v : "?")}" : cli.Option ?? $"operand {cli.Operand}");
        }

        Assert.Null(cli.Error);
        Assert.Equal(["--a=1", "--b=2", "operand file", "--flag", "operand -", "operand --not-an-option"], seen);
    }

    [Theory]
    [InlineData(new[] { "--a" }, "option '--a' needs a value")]
    [InlineData(new[] { "--a", "--b" }, "option '--a' needs a value")]
    [InlineData(new[] { "--flag=yes" }, "option '--flag' takes no value")]
    [InlineData(new[] { "--flag=yes", "--a", "1" }, "option '--flag' takes no value")]
    [InlineData(new[] { "--colour", "red" }, "unknown option '--colour' (see beidouhub x --help)")]
    [InlineData(new[] { "-v" }, "unknown option '-v' (see beidouhub x --help)")]
    [InlineData(new[] { "stray" }, "unexpected argument 'stray' (see beidouhub x --help)")]
    [InlineData(new[] { "--n", "0" }, "--n '0': expected a whole number from 1 to 9")]
    [InlineData(new[] { "--n=ten" }, "--n 'ten': expected a whole number from 1 to 9")]
    [InlineData(new[] { "--d", "10" }, "--d '10': expected a duration such as 90s, 10m, 1h30m, 500ms or 00:10:00, more than 0 and at most 1h")]
    [InlineData(new[] { "--d", "0s" }, "--d '0s': expected a duration such as 90s, 10m, 1h30m, 500ms or 00:10:00, more than 0 and at most 1h")]
    [InlineData(new[] { "--d", "61m" }, "--d '61m': expected a duration such as 90s, 10m, 1h30m, 500ms or 00:10:00, more than 0 and at most 1h")]
    [InlineData(new[] { "--c", "maybe" }, "--c 'maybe': expected one of yes, no")]
    [InlineData(new[] { "--n", "1", "--n", "0", "--colour" }, "--n '0': expected a whole number from 1 to 9")]
    public void Read_UsageError_FirstErrorNamesTheOption(string[] args, string error)
    {
        var cli = new ArgumentReader("x", args);

        ReadAll(cli);

        Assert.Equal(error, cli.Error);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Assert.Equal(2, cli.Finish(stdout, stderr, "usage: x"));
        Assert.Equal($"x: {error}{Environment.NewLine}", stderr.ToString());
        Assert.Equal(string.Empty, stdout.ToString());
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void Finish_HelpAnywhereEvenAfterABadValue_UsageOnStdoutExitZero(string help)
    {
        var cli = new ArgumentReader("x", ["--n", "0", "--colour", help]);
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        ReadAll(cli);

        Assert.Equal(0, cli.Finish(stdout, stderr, "usage: x [--n N]"));
        Assert.Equal($"usage: x [--n N]{Environment.NewLine}", stdout.ToString());
        Assert.Equal(string.Empty, stderr.ToString());
    }

    [Fact]
    public void Finish_HelpAfterDoubleDash_IsAnOperand()
    {
        var cli = new ArgumentReader("x", ["--", "--help"]);

        Assert.True(cli.Read());

        Assert.False(cli.HelpRequested);
        Assert.Null(cli.Option);
        Assert.Equal("--help", cli.Operand);
    }

    [Fact]
    public void Finish_NothingWrong_NullToRun()
    {
        var cli = new ArgumentReader("x", ["--n", "3", "--d", "1h", "--c", "no"]);

        ReadAll(cli);

        Assert.Null(cli.Finish(new StringWriter(), new StringWriter(), "usage"));
    }

    [Fact]
    public void TryValue_NegativeNumberAfterOption_IsTheValue()
    {
        var cli = new ArgumentReader("x", ["--offset", "-5"]);

        Assert.True(cli.Read());

        Assert.True(cli.TryValue(out string value));
        Assert.Equal("-5", value);
        Assert.False(cli.Read());
        Assert.Null(cli.Error);
    }

    // The test verb: --n 1-9, --d duration up to 1h, --c yes|no, --a/--b values, --flag.
    private static void ReadAll(ArgumentReader cli)
    {
        while (cli.Read())
        {
            switch (cli.Option)
            {
                case "--n":
                    cli.TryInteger(1, 9, out _);
                    break;
                case "--d":
                    cli.TryDuration(out _, TimeSpan.FromHours(1));
                    break;
                case "--c":
                    cli.TryChoice<bool>([("yes", true), ("no", false)], out _);
                    break;
                case "--a" or "--b":
                    cli.TryValue(out _);
                    break;
                case "--flag":
                    break;
                default:
                    cli.Unexpected();
                    break;
            }
        }
    }
}
