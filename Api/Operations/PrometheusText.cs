using System.Globalization;
using System.Text;

namespace WalletGrains.Api.Operations;

/// <summary>
/// Names, escaping and numbers of the Prometheus text exposition format 0.0.4: metric names match
/// <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>, label names <c>[a-zA-Z_][a-zA-Z0-9_]*</c> (names starting with <c>__</c>
/// are reserved), label values escape backslash, double quote and newline, HELP text escapes backslash and newline.
/// </summary>
internal static class PrometheusText
{
    /// <summary>Unit suffixes for UCUM units as OpenTelemetry instruments declare them.</summary>
    private static readonly Dictionary<string, string> UnitSuffixes = new(StringComparer.Ordinal)
    {
        ["s"] = "seconds",
        ["ms"] = "milliseconds",
        ["us"] = "microseconds",
        ["ns"] = "nanoseconds",
        ["min"] = "minutes",
        ["h"] = "hours",
        ["d"] = "days",
        ["By"] = "bytes",
        ["KiBy"] = "kibibytes",
        ["MiBy"] = "mebibytes",
        ["%"] = "percent",
    };

    /// <summary>
    /// The family name of an instrument: the name sanitised (dots become underscores), the unit's suffix added
    /// unless already there (annotations in braces such as <c>{request}</c> add none), and for counters
    /// <c>_total</c> exactly once, after the unit.
    /// </summary>
    public static string FamilyName(string instrumentName, string? unit, bool isCounter)
    {
        var name = MetricName(instrumentName);
        if (isCounter && name.EndsWith("_total", StringComparison.Ordinal))
        {
            // Unit before _total: bytes_total with unit By stays bytes_total.
            name = name[..^"_total".Length];
        }

        var suffix = UnitSuffix(unit);
        if (suffix.Length > 0 && !name.EndsWith("_" + suffix, StringComparison.Ordinal))
        {
            name += "_" + suffix;
        }

        return isCounter ? name + "_total" : name;
    }

    /// <summary>Replaces every character outside <c>[a-zA-Z0-9_:]</c> and prefixes a leading digit with an underscore.</summary>
    public static string MetricName(string name) => Sanitize(name, allowColon: true);

    /// <summary>
    /// A valid label name: invalid characters become underscores, a leading digit gets an underscore, reserved
    /// names (<c>__*</c>) and the histogram's own <c>le</c> get a <c>tag_</c> prefix.
    /// </summary>
    public static string LabelName(string name)
    {
        var sanitized = Sanitize(name, allowColon: false);
        return sanitized.StartsWith("__", StringComparison.Ordinal) || sanitized == "le" ? "tag_" + sanitized.TrimStart('_') : sanitized;
    }

    /// <summary>A tag value as label text (invariant culture); null when the label should be left out.</summary>
    public static string? LabelValue(object? value) => value switch
    {
        null => null,
        string s => s.Length == 0 ? null : s,
        bool b => b ? "true" : "false",
        double d => Number(d),
        float f => Number(f),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() is { Length: > 0 } text ? text : null,
    };

    public static void AppendEscapedLabelValue(StringBuilder builder, string value)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': builder.Append(@"\\"); break;
                case '"': builder.Append("\\\""); break;
                case '\n': builder.Append(@"\n"); break;
                default: builder.Append(c); break;
            }
        }
    }

    public static void AppendEscapedHelp(StringBuilder builder, string help)
    {
        foreach (var c in help)
        {
            switch (c)
            {
                case '\\': builder.Append(@"\\"); break;
                case '\n': builder.Append(@"\n"); break;
                case '\r': break;
                default: builder.Append(c); break;
            }
        }
    }

    /// <summary>A sample value: shortest round-trip form, <c>+Inf</c>, <c>-Inf</c> or <c>NaN</c>.</summary>
    public static string Number(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf"
        : double.IsNegativeInfinity(value) ? "-Inf"
        : double.IsNaN(value) ? "NaN"
        : value.ToString("R", CultureInfo.InvariantCulture);

    private static string UnitSuffix(string? unit)
    {
        if (string.IsNullOrEmpty(unit))
        {
            return "";
        }

        // Annotations ({request}) are comments in UCUM; what remains is the unit proper.
        var plain = new StringBuilder();
        var depth = 0;
        foreach (var c in unit)
        {
            if (c == '{')
            {
                depth++;
            }
            else if (c == '}')
            {
                depth = Math.Max(0, depth - 1);
            }
            else if (depth == 0)
            {
                plain.Append(c);
            }
        }

        var text = plain.ToString().Trim();
        if (text.Length == 0 || text == "1")
        {
            return "";
        }

        return UnitSuffixes.TryGetValue(text, out var suffix) ? suffix : Sanitize(text, allowColon: false).Trim('_');
    }

    private static string Sanitize(string name, bool allowColon)
    {
        if (name.Length == 0)
        {
            return "_";
        }

        var builder = new StringBuilder(name.Length + 1);
        if (char.IsAsciiDigit(name[0]))
        {
            builder.Append('_');
        }

        foreach (var c in name)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':') ? c : '_');
        }

        return builder.ToString();
    }
}
