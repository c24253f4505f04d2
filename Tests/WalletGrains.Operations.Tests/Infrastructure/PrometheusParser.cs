using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace WalletGrains.Operations.Tests.Infrastructure;

/// <summary>One sample line: full name (with _bucket/_sum/_count), labels (unescaped) and value.</summary>
internal sealed record PromSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public bool Has(params (string Name, string Value)[] labels) =>
        labels.All(l => Labels.TryGetValue(l.Name, out var v) && v == l.Value);
}

/// <summary>A metric family: name, type, help and its samples in order.</summary>
internal sealed class PromFamily(string name)
{
    public string Name { get; } = name;

    public string Type { get; set; } = "untyped";

    public string? Help { get; set; }

    public bool Typed { get; set; }

    public List<PromSample> Samples { get; } = [];
}

/// <summary>
/// A strict parser of the Prometheus text exposition format 0.0.4, written from the format's description for
/// these tests. It rejects anything the format does not allow and checks the family rules: HELP and TYPE at most
/// once per family and before its samples, a family's samples contiguous, metric and label name syntax, reserved
/// label names, label value escapes, float syntax, no duplicate series, counters not negative, and histograms
/// (every series has buckets with strictly increasing <c>le</c> ending in <c>+Inf</c>, cumulative counts that never
/// decrease, <c>_sum</c>, and <c>_count</c> equal to the <c>+Inf</c> bucket).
/// </summary>
internal static partial class PrometheusParser
{
    private static readonly HashSet<string> Types = ["counter", "gauge", "histogram", "summary", "untyped"];

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricNameRegex();

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelNameRegex();

    [GeneratedRegex(@"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")]
    private static partial Regex FloatRegex();

    [GeneratedRegex("^-?[0-9]+$")]
    private static partial Regex TimestampRegex();

    public static IReadOnlyDictionary<string, PromFamily> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > 0 && !text.EndsWith('\n'))
        {
            throw new FormatException("The exposition must end with a newline.");
        }

        var families = new Dictionary<string, PromFamily>(StringComparer.Ordinal);
        var closed = new HashSet<string>(StringComparer.Ordinal);
        var seriesSeen = new HashSet<string>(StringComparer.Ordinal);
        PromFamily? current = null;
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length - 1; i++)
        {
            var line = lines[i];
            var where = $"line {i + 1} '{line}'";
            if (line.Length == 0)
            {
                continue;
            }

            if (line[0] == '#')
            {
                var parts = line.Split(' ', 4);
                if (parts.Length >= 3 && parts[0] == "#" && parts[1] is "HELP" or "TYPE")
                {
                    var name = parts[2];
                    if (!MetricNameRegex().IsMatch(name))
                    {
                        throw new FormatException($"{where}: invalid metric name '{name}'.");
                    }

                    var family = Open(families, closed, ref current, name, where);
                    if (family.Samples.Count > 0)
                    {
                        throw new FormatException($"{where}: {parts[1]} after samples of '{name}'.");
                    }

                    if (parts[1] == "HELP")
                    {
                        if (family.Help is not null)
                        {
                            throw new FormatException($"{where}: second HELP for '{name}'.");
                        }

                        family.Help = UnescapeHelp(parts.Length == 4 ? parts[3] : "", where);
                    }
                    else
                    {
                        if (family.Typed)
                        {
                            throw new FormatException($"{where}: second TYPE for '{name}'.");
                        }

                        if (parts.Length != 4 || !Types.Contains(parts[3]))
                        {
                            throw new FormatException($"{where}: TYPE must be one of {string.Join(", ", Types)}.");
                        }

                        family.Type = parts[3];
                        family.Typed = true;
                    }
                }

                // Any other line starting with # is a comment.
                continue;
            }

            var sample = ParseSample(line, where);
            var familyName = FamilyOf(sample.Name, families);
            var owner = Open(families, closed, ref current, familyName, where);
            CheckSampleName(owner, sample, where);
            var key = sample.Name + "{" + string.Join(",", sample.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value)) + "}";
            if (!seriesSeen.Add(key))
            {
                throw new FormatException($"{where}: duplicate series {key}.");
            }

            owner.Samples.Add(sample);
        }

        foreach (var family in families.Values.Where(f => f.Type == "histogram"))
        {
            CheckHistogram(family);
        }

        return families;
    }

    /// <summary>The family a sample belongs to: a declared histogram/summary for suffixed names, else its own name.</summary>
    private static string FamilyOf(string sampleName, Dictionary<string, PromFamily> families)
    {
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (sampleName.EndsWith(suffix, StringComparison.Ordinal)
                && families.TryGetValue(sampleName[..^suffix.Length], out var f)
                && f.Type is "histogram" or "summary")
            {
                return f.Name;
            }
        }

        return sampleName;
    }

    private static PromFamily Open(Dictionary<string, PromFamily> families, HashSet<string> closed, ref PromFamily? current, string name, string where)
    {
        if (current?.Name == name)
        {
            return current;
        }

        if (closed.Contains(name))
        {
            throw new FormatException($"{where}: family '{name}' appears again after another family (families must be contiguous).");
        }

        if (current is not null)
        {
            closed.Add(current.Name);
        }

        if (!families.TryGetValue(name, out var family))
        {
            family = new PromFamily(name);
            families.Add(name, family);
        }

        current = family;
        return family;
    }

    private static void CheckSampleName(PromFamily family, PromSample sample, string where)
    {
        switch (family.Type)
        {
            case "histogram":
                if (sample.Name == family.Name + "_bucket")
                {
                    if (!sample.Labels.TryGetValue("le", out var le) || ParseFloat(le, where) is var bound && double.IsNaN(bound))
                    {
                        throw new FormatException($"{where}: a bucket needs an 'le' label with a float value.");
                    }
                }
                else if (sample.Name == family.Name + "_sum" || sample.Name == family.Name + "_count")
                {
                    if (sample.Labels.ContainsKey("le"))
                    {
                        throw new FormatException($"{where}: _sum and _count carry no 'le'.");
                    }
                }
                else
                {
                    throw new FormatException($"{where}: histogram '{family.Name}' has only _bucket, _sum and _count samples.");
                }

                break;
            case "counter":
                if (sample.Name != family.Name)
                {
                    throw new FormatException($"{where}: counter sample name must be the family name.");
                }

                if (sample.Value < 0)
                {
                    throw new FormatException($"{where}: counter value is negative.");
                }

                break;
            default:
                if (sample.Name != family.Name)
                {
                    throw new FormatException($"{where}: sample name must be the family name '{family.Name}'.");
                }

                break;
        }
    }

    private static void CheckHistogram(PromFamily family)
    {
        static string SeriesKey(PromSample s) =>
            string.Join(",", s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value));

        foreach (var series in family.Samples.GroupBy(SeriesKey))
        {
            var buckets = series.Where(s => s.Name.EndsWith("_bucket", StringComparison.Ordinal)).ToList();
            var what = $"histogram {family.Name}{{{series.Key}}}";
            if (buckets.Count == 0)
            {
                throw new FormatException($"{what}: no buckets.");
            }

            var previousLe = double.NegativeInfinity;
            var previousCount = 0.0;
            foreach (var bucket in buckets)
            {
                var le = ParseFloat(bucket.Labels["le"], what);
                if (!(le > previousLe))
                {
                    throw new FormatException($"{what}: 'le' values must increase; {bucket.Labels["le"]} follows {previousLe}.");
                }

                if (bucket.Value < previousCount)
                {
                    throw new FormatException($"{what}: bucket counts must be cumulative; le={bucket.Labels["le"]} has {bucket.Value} after {previousCount}.");
                }

                previousLe = le;
                previousCount = bucket.Value;
            }

            if (!double.IsPositiveInfinity(previousLe) || buckets[^1].Labels["le"] != "+Inf")
            {
                throw new FormatException($"{what}: the last bucket must be le=\"+Inf\".");
            }

            var count = series.SingleOrDefault(s => s.Name == family.Name + "_count") ?? throw new FormatException($"{what}: no _count.");
            _ = series.SingleOrDefault(s => s.Name == family.Name + "_sum") ?? throw new FormatException($"{what}: no _sum.");
            if (count.Value != buckets[^1].Value)
            {
                throw new FormatException($"{what}: _count {count.Value} differs from the +Inf bucket {buckets[^1].Value}.");
            }
        }
    }

    private static PromSample ParseSample(string line, string where)
    {
        var i = 0;
        while (i < line.Length && line[i] != '{' && line[i] != ' ')
        {
            i++;
        }

        var name = line[..i];
        if (!MetricNameRegex().IsMatch(name))
        {
            throw new FormatException($"{where}: invalid metric name '{name}'.");
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (true)
            {
                if (i < line.Length && line[i] == '}' && labels.Count == 0)
                {
                    i++;
                    break;
                }

                var start = i;
                while (i < line.Length && line[i] != '=')
                {
                    i++;
                }

                var labelName = line[start..i];
                if (!LabelNameRegex().IsMatch(labelName) || labelName.StartsWith("__", StringComparison.Ordinal))
                {
                    throw new FormatException($"{where}: invalid or reserved label name '{labelName}'.");
                }

                if (i + 1 >= line.Length || line[i + 1] != '"')
                {
                    throw new FormatException($"{where}: label '{labelName}' needs =\"value\".");
                }

                i += 2;
                var value = new StringBuilder();
                while (true)
                {
                    if (i >= line.Length)
                    {
                        throw new FormatException($"{where}: unterminated label value.");
                    }

                    var c = line[i++];
                    if (c == '"')
                    {
                        break;
                    }

                    if (c == '\\')
                    {
                        if (i >= line.Length)
                        {
                            throw new FormatException($"{where}: dangling backslash.");
                        }

                        value.Append(line[i++] switch
                        {
                            '\\' => '\\',
                            '"' => '"',
                            'n' => '\n',
                            var other => throw new FormatException($"{where}: invalid escape '\\{other}' in a label value."),
                        });
                    }
                    else
                    {
                        value.Append(c);
                    }
                }

                if (!labels.TryAdd(labelName, value.ToString()))
                {
                    throw new FormatException($"{where}: label '{labelName}' repeated.");
                }

                if (i < line.Length && line[i] == ',')
                {
                    i++;
                    if (i < line.Length && line[i] == '}')
                    {
                        throw new FormatException($"{where}: trailing comma in the label set.");
                    }

                    continue;
                }

                if (i < line.Length && line[i] == '}')
                {
                    i++;
                    break;
                }

                throw new FormatException($"{where}: expected ',' or '}}' after a label.");
            }
        }

        if (i >= line.Length || line[i] != ' ')
        {
            throw new FormatException($"{where}: expected one space before the value.");
        }

        var rest = line[(i + 1)..].Split(' ');
        if (rest.Length is < 1 or > 2 || rest.Any(p => p.Length == 0))
        {
            throw new FormatException($"{where}: expected 'value [timestamp]' separated by single spaces.");
        }

        var number = ParseFloat(rest[0], where);
        if (rest.Length == 2 && !TimestampRegex().IsMatch(rest[1]))
        {
            throw new FormatException($"{where}: timestamp '{rest[1]}' is not an integer.");
        }

        return new PromSample(name, labels, number);
    }

    private static double ParseFloat(string text, string where) => text switch
    {
        "+Inf" or "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ when FloatRegex().IsMatch(text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
        _ => throw new FormatException($"{where}: '{text}' is not a float."),
    };

    private static string UnescapeHelp(string text, string where)
    {
        var result = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\')
            {
                result.Append(text[i]);
                continue;
            }

            if (++i >= text.Length)
            {
                throw new FormatException($"{where}: dangling backslash in HELP.");
            }

            result.Append(text[i] switch
            {
                '\\' => '\\',
                'n' => '\n',
                var other => throw new FormatException($"{where}: invalid escape '\\{other}' in HELP."),
            });
        }

        return result.ToString();
    }
}

/// <summary>Lookups over a parsed scrape.</summary>
internal static class PromScrapeExtensions
{
    /// <summary>The value of the one sample named <paramref name="name"/> with these labels (others may exist), or null.</summary>
    public static double? Value(this IReadOnlyDictionary<string, PromFamily> families, string name, params (string Name, string Value)[] labels) =>
        families.Values.SelectMany(f => f.Samples).Where(s => s.Name == name && s.Has(labels)).Select(s => (double?)s.Value).SingleOrDefault();

    /// <summary>Sum over samples named <paramref name="name"/> with these labels (0 when none).</summary>
    public static double Sum(this IReadOnlyDictionary<string, PromFamily> families, string name, params (string Name, string Value)[] labels) =>
        families.Values.SelectMany(f => f.Samples).Where(s => s.Name == name && s.Has(labels)).Sum(s => s.Value);
}
