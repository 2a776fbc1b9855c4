using System.Globalization;

namespace BeidouHub.Service.Verbs;

/// <summary>
/// The one command-line reader of every verb. It hands out the arguments one at a time, as
/// Utf8JsonReader hands out tokens, so a verb's options are a <c>switch</c> over option names and
/// the rules are the same everywhere:
/// <list type="bullet">
/// <item><c>--name value</c> and <c>--name=value</c>; a value may not itself look like an option;</item>
/// <item><c>-h</c> / <c>--help</c> anywhere before <c>--</c>: the verb's usage on stdout, exit 0;</item>
/// <item><c>--</c> ends the options (what follows are operands, even <c>-x</c>);</item>
/// <item>an unknown option, a missing or bad value, or an operand the verb does not take is a usage
/// error: one line on stderr naming it, exit 2.</item>
/// </list>
/// Kept small on purpose: <c>decode</c> starts as a process per file, and System.CommandLine cost
/// 46-115 ms of CPU at every start here (bench/README.md, "Verb start-up").
/// </summary>
internal sealed class ArgumentReader
{
    private readonly string _verb;
    private readonly IReadOnlyList<string> _args;
    private int _next;
    private bool _optionsEnded;
    private string? _inlineValue;
    private string _value = string.Empty;

    public ArgumentReader(string verb, IReadOnlyList<string> args)
    {
        _verb = verb;
        _args = args;
        foreach (string a in args)
        {
            if (a == "--")
            {
                break;
            }

            if (a is "-h" or "--help")
            {
                HelpRequested = true;
            }
        }
    }

    /// <summary>The option just read, e.g. <c>--format</c>; null when <see cref="Operand"/> was read.</summary>
    public string? Option { get; private set; }

    /// <summary>The operand (positional argument) just read, when <see cref="Option"/> is null.</summary>
    public string Operand { get; private set; } = string.Empty;

    /// <summary><c>-h</c> or <c>--help</c> was given: nothing is read, the verb prints its usage.</summary>
    public bool HelpRequested { get; }

    /// <summary>The first usage error, one line without the verb's prefix; null while there is none.</summary>
    public string? Error { get; private set; }

    /// <summary>Moves to the next option or operand; false at the end, on help, or after an error.</summary>
    public bool Read()
    {
        if (HelpRequested || Error is not null)
        {
            return false;
        }

        if (_inlineValue is not null)
        {
            // The verb read the previous option as a flag, but it came as --flag=value.
            Fail($"option '{Option}' takes no value");
            return false;
        }

        if (_next >= _args.Count)
        {
            return false;
        }

        string a = _args[_next++];
        if (!_optionsEnded && a == "--")
        {
            _optionsEnded = true;
            return Read();
        }

        if (_optionsEnded || !LooksLikeOption(a))
        {
            Option = null;
            Operand = a;
            return true;
        }

        int equals = a.IndexOf('=', StringComparison.Ordinal);
        Option = equals > 0 ? a[..equals] : a;
        _inlineValue = equals > 0 ? a[(equals + 1)..] : null;
        return true;
    }

    /// <summary>The current option's value (inline after <c>=</c>, or the next argument).</summary>
    public bool TryValue(out string value)
    {
        if (_inlineValue is not null)
        {
            value = _value = _inlineValue;
            _inlineValue = null;
            return true;
        }

        if (_next < _args.Count && !(LooksLikeOption(_args[_next]) && _args[_next].StartsWith("--", StringComparison.Ordinal)))
        {
            value = _value = _args[_next++];
            return true;
        }

        Fail($"option '{Option}' needs a value");
        value = string.Empty;
        return false;
    }

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public bool TryInteger(long min, long max, out long value, string? expected = null)
    {
        value = 0;
        if (!TryValue(out string text))
        {
            return false;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value) && value >= min && value <= max)
        {
            return true;
        }

        return Invalid(expected ?? string.Create(CultureInfo.InvariantCulture, $"a whole number from {min} to {max}"));
    }

    /// <summary>A number greater than 0 (a rate, a distance).</summary>
    public bool TryPositive(out double value, string expected)
    {
        value = 0;
        if (!TryValue(out string text))
        {
            return false;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && value > 0 && double.IsFinite(value))
        {
            return true;
        }

        return Invalid(expected);
    }

    /// <summary>A duration in the one syntax of every verb (<see cref="Duration"/>), more than 0 and at most <paramref name="max"/>.</summary>
    public bool TryDuration(out TimeSpan value, TimeSpan? max = null)
    {
        value = default;
        if (!TryValue(out string text))
        {
            return false;
        }

        if (Duration.TryParse(text, out value) && value > TimeSpan.Zero && (max is null || value <= max))
        {
            return true;
        }

        string limit = max is { } m ? $", more than 0 and at most {Duration.Format(m)}" : ", more than 0";
        return Invalid(Duration.Expected + limit);
    }

    /// <summary>One of the named choices, spelled exactly.</summary>
    public bool TryChoice<T>(IReadOnlyList<(string Name, T Value)> choices, out T value)
    {
        value = default!;
        if (!TryValue(out string text))
        {
            return false;
        }

        foreach ((string name, T v) in choices)
        {
            if (name == text)
            {
                value = v;
                return true;
            }
        }

        return Invalid("one of " + string.Join(", ", choices.Select(c => c.Name)));
    }

    /// <summary>The value just read is not what the option takes: <c>--rate '25': expected ...</c>.</summary>
    public bool Invalid(string expected)
    {
        Fail($"{Option} '{_value}': expected {expected}");
        return false;
    }

    /// <summary>The current option or operand is not one the verb takes.</summary>
    public void Unexpected()
    {
        Fail(Option is { } o
            ? $"unknown option '{o}' (see beidouhub {_verb} --help)"
            : $"unexpected argument '{Operand}' (see beidouhub {_verb} --help)");
    }

    /// <summary>A usage error of the verb's own (a required option missing); the first one is kept.</summary>
    public void Fail(string message)
    {
        Error ??= message;
    }

    /// <summary>
    /// After reading: the usage on stdout and 0 for help, the error line on stderr and 2 for a
    /// usage error, or null when the verb should run.
    /// </summary>
    public int? Finish(TextWriter stdout, TextWriter stderr, string usage)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (HelpRequested)
        {
            stdout.WriteLine(usage);
            stdout.Flush();
            return 0;
        }

        if (Error is not null)
        {
            stderr.WriteLine($"{_verb}: {Error}");
            stderr.Flush();
            return 2;
        }

        return null;
    }

    /// <summary><see cref="Finish(TextWriter, TextWriter, string)"/> for a verb whose stdout is a byte stream.</summary>
    public int? Finish(Stream stdout, TextWriter stderr, string usage)
    {
        if (!HelpRequested)
        {
            return Finish(TextWriter.Null, stderr, usage);
        }

        using var text = new StreamWriter(stdout, leaveOpen: true);
        return Finish(text, stderr, usage);
    }

    // "-" alone is standard input, "-5" a number: operands. "--x", "-x": options.
    private static bool LooksLikeOption(string a) => a.Length > 1 && a[0] == '-' && !char.IsAsciiDigit(a[1]) && a[1] != '.';
}
