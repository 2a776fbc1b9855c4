using System.Collections.Frozen;

namespace BeidouHub.Service.Security;

/// <summary>
/// The receiver or zone ids an application may see: <c>*</c> (all, also those configured later),
/// exact ids, and glob patterns (<c>truck-*</c>, <c>gate-?</c>: <c>*</c> any run of characters,
/// <c>?</c> one). Built once per configuration version; <see cref="Matches"/> allocates nothing,
/// so it can sit in a subscriber's filter on the hub's publish path.
/// </summary>
internal sealed class IdScope
{
    public static readonly IdScope All = new(all: true, FrozenSet<string>.Empty, []);
    public static readonly IdScope None = new(all: false, FrozenSet<string>.Empty, []);

    private readonly FrozenSet<string> _exact;
    private readonly string[] _patterns;

    private IdScope(bool all, FrozenSet<string> exact, string[] patterns)
    {
        IsAll = all;
        _exact = exact;
        _patterns = patterns;
        Canonical = all ? "*" : string.Join(",", exact.Order(StringComparer.Ordinal).Concat(patterns.Order(StringComparer.Ordinal)));
    }

    /// <summary>Every id, also ids that appear later.</summary>
    public bool IsAll { get; }

    /// <summary>No id at all.</summary>
    public bool IsEmpty => !IsAll && _exact.Count == 0 && _patterns.Length == 0;

    /// <summary>The exact ids when the scope has no patterns and is not <c>*</c> (a filter can then use the set as it is).</summary>
    public FrozenSet<string>? ExactOnly => !IsAll && _patterns.Length == 0 ? _exact : null;

    /// <summary>A stable text of the scope (sorted), for telling a changed scope from an unchanged one.</summary>
    public string Canonical { get; }

    public static IdScope From(IEnumerable<string> entries)
    {
        var exact = new HashSet<string>(StringComparer.Ordinal);
        var patterns = new List<string>();
        foreach (string entry in entries)
        {
            string e = entry.Trim();
            if (e.Length == 0)
            {
                continue;
            }

            if (e == "*")
            {
                return All;
            }

            if (IsPattern(e))
            {
                patterns.Add(e);
            }
            else
            {
                exact.Add(e);
            }
        }

        return exact.Count == 0 && patterns.Count == 0 ? None : new IdScope(all: false, exact.ToFrozenSet(StringComparer.Ordinal), [.. patterns.Distinct(StringComparer.Ordinal)]);
    }

    public static bool IsPattern(string entry) => entry.AsSpan().IndexOfAny('*', '?') >= 0;

    public bool Matches(string id)
    {
        if (IsAll || _exact.Contains(id))
        {
            return true;
        }

        foreach (string p in _patterns)
        {
            if (Glob(p, id))
            {
                return true;
            }
        }

        return false;
    }

    public override string ToString() => Canonical;

    /// <summary>
    /// Glob match with <c>*</c> and <c>?</c>, linear in practice: on a mismatch after a star the
    /// star takes one more character and the match resumes there (the usual wildcard matcher that
    /// keeps only the last star, which is enough because a later star can absorb anything an
    /// earlier one would have).
    /// </summary>
    internal static bool Glob(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        int p = 0, t = 0, star = -1, resume = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == text[t]))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
