using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace WalletGrains.Grains.Delivery;

/// <summary>
/// Which event types a webhook or a reader wants, as a list of patterns: an exact type (<c>transaction.confirmed</c>),
/// a prefix ending in <c>.*</c> (<c>transaction.*</c> matches every type that starts with <c>transaction.</c>), or
/// <c>*</c> for every type. A pattern must name or cover at least one type of <see cref="WalletEventTypes"/>, so a
/// typo is refused instead of silently matching nothing.
/// </summary>
public sealed class EventTypeFilter
{
    /// <summary>Most patterns in one filter.</summary>
    public const int MaxPatterns = 32;

    /// <summary>The pattern that matches every type.</summary>
    public const string Everything = "*";

    private readonly FrozenPatterns _patterns;

    private EventTypeFilter(ImmutableArray<string> patterns)
    {
        Patterns = patterns;
        _patterns = new FrozenPatterns(patterns);
    }

    /// <summary>Matches every type.</summary>
    public static EventTypeFilter All { get; } = new([Everything]);

    /// <summary>The event types the service produces (the constants of <see cref="WalletEventTypes"/>).</summary>
    public static ImmutableArray<string> KnownTypes { get; } =
    [
        .. typeof(WalletEventTypes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Order(StringComparer.Ordinal),
    ];

    /// <summary>The patterns, without duplicates, in the order given.</summary>
    public ImmutableArray<string> Patterns { get; }

    /// <summary>
    /// Parses patterns; false with a message naming the first bad one. Duplicates are dropped; an empty list is refused
    /// (use <c>*</c> for every type).
    /// </summary>
    public static bool TryCreate(IEnumerable<string?> patterns, [NotNullWhen(true)] out EventTypeFilter? filter, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        filter = null;
        var list = new List<string>();
        foreach (var pattern in patterns)
        {
            if (!TryCheck(pattern, out error))
            {
                return false;
            }

            if (!list.Contains(pattern!, StringComparer.Ordinal))
            {
                list.Add(pattern!);
            }

            if (list.Count > MaxPatterns)
            {
                error = $"At most {MaxPatterns} event type patterns are allowed.";
                return false;
            }
        }

        if (list.Count == 0)
        {
            error = $"At least one event type pattern is needed (\"{Everything}\" for every type).";
            return false;
        }

        filter = new EventTypeFilter([.. list]);
        error = null;
        return true;
    }

    /// <summary>
    /// A filter from patterns checked when they were stored. They are not checked against today's types again: a
    /// stored webhook keeps working (matching nothing for a type that is gone) rather than failing delivery.
    /// </summary>
    public static EventTypeFilter FromStored(IEnumerable<string> patterns)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        return new EventTypeFilter([.. patterns.Distinct(StringComparer.Ordinal)]);
    }

    /// <summary>True when <paramref name="type"/> matches one of the patterns.</summary>
    public bool Matches(string type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return _patterns.Matches(type);
    }

    private static bool TryCheck(string? pattern, [NotNullWhen(false)] out string? error)
    {
        if (string.IsNullOrEmpty(pattern))
        {
            error = "An event type pattern is empty.";
            return false;
        }

        var shown = pattern.Length <= 64 ? pattern : string.Concat(pattern.AsSpan(0, 61), "...");
        if (pattern == Everything)
        {
            error = null;
            return true;
        }

        if (pattern.EndsWith(".*", StringComparison.Ordinal))
        {
            var prefix = pattern[..^1];
            if (!KnownTypes.Any(t => t.StartsWith(prefix, StringComparison.Ordinal)))
            {
                error = $"Event type pattern '{shown}' matches no event type; known types: {string.Join(", ", KnownTypes)}.";
                return false;
            }
        }
        else if (!KnownTypes.Contains(pattern, StringComparer.Ordinal))
        {
            error = $"Unknown event type '{shown}'; known types: {string.Join(", ", KnownTypes)} (or a prefix such as 'transaction.*', or '*').";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>The patterns split for matching: everything, exact types, prefixes (with their trailing dot).</summary>
    private sealed class FrozenPatterns
    {
        private readonly bool _everything;
        private readonly HashSet<string> _exact = new(StringComparer.Ordinal);
        private readonly List<string> _prefixes = [];

        public FrozenPatterns(ImmutableArray<string> patterns)
        {
            foreach (var pattern in patterns)
            {
                if (pattern == Everything)
                {
                    _everything = true;
                }
                else if (pattern.EndsWith(".*", StringComparison.Ordinal))
                {
                    _prefixes.Add(pattern[..^1]);
                }
                else
                {
                    _exact.Add(pattern);
                }
            }
        }

        public bool Matches(string type) =>
            _everything || _exact.Contains(type) || _prefixes.Exists(p => type.StartsWith(p, StringComparison.Ordinal));
    }
}
