using System.Globalization;
using System.Text;

namespace WalletGrains.Bench.Send;

/// <summary>One line of the results table.</summary>
internal sealed record ResultRow(
    string Scenario,
    string Storage,
    int Sends,
    int Accepted,
    double AcceptedPerSecond,
    double P50Ms,
    double P99Ms,
    double MaxMs,
    string Errors,
    string Cpu,
    string OnChain)
{
    public static ResultRow From(string scenario, string storage, LoadRun run, CpuUse cpu, string onChain)
    {
        var sorted = run.LatencyMs.ToArray();
        Array.Sort(sorted);
        var errors = run.Errors.Count == 0
            ? "0"
            : string.Join("; ", run.Errors.OrderByDescending(e => e.Value).Select(e => $"{e.Value.ToString("N0", CultureInfo.InvariantCulture)} × {e.Key}"));
        return new ResultRow(
            scenario, storage, run.Outcomes.Length, run.AcceptedCount, run.AcceptedCount / run.Elapsed.TotalSeconds,
            Percentiles.Of(sorted, 0.50), Percentiles.Of(sorted, 0.99), sorted.Length == 0 ? 0 : sorted[^1], errors,
            cpu.ToString(),
            onChain);
    }
}

/// <summary>Collects the run's facts, results and timings and renders them as Markdown (stdout and README).</summary>
internal sealed class Report
{
    private readonly List<string> _facts = [];
    private readonly List<ResultRow> _rows = [];
    private readonly List<string> _profiles = [];
    private readonly List<string> _notes = [];

    public void Fact(string text)
    {
        _facts.Add(text);
        Console.WriteLine("# " + text);
    }

    public void Add(ResultRow row)
    {
        _rows.Add(row);
        Console.WriteLine(RowLine(row));
    }

    public void Note(string text)
    {
        _notes.Add(text);
        Console.WriteLine("  " + text);
    }

    /// <summary>Where one scenario's time went inside the silo (the harness's timing decorators and the grain runtime's counters).</summary>
    public void Profile(string title, IReadOnlyList<(string Name, ProbeSummary Summary)> probes, string grainLine, int accepted)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"**{title}** — {grainLine}");
        text.AppendLine();
        text.AppendLine("| step | calls | items | mean ms | p99 ms | max ms | summed ms per accepted send |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, s) in probes)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {name} | {s.Count:N0} | {s.Items:N0} | {s.MeanMs:0.000} | {s.P99Ms:0.00} | {s.MaxMs:0.00} | {(accepted == 0 ? 0 : s.TotalMs / accepted):0.000} |");
        }

        _profiles.Add(text.ToString());
        Console.WriteLine(text.ToString());
    }

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        foreach (var fact in _facts)
        {
            text.AppendLine("- " + fact);
        }

        text.AppendLine();
        text.AppendLine(Header);
        text.AppendLine(Rule);
        foreach (var row in _rows)
        {
            text.AppendLine(RowLine(row));
        }

        text.AppendLine();
        foreach (var note in _notes)
        {
            text.AppendLine("- " + note);
        }

        text.AppendLine();
        foreach (var profile in _profiles)
        {
            text.AppendLine(profile);
        }

        return text.ToString();
    }

    public static string Header => "| scenario | storage | sends | accepted | accepted/s | p50 ms | p99 ms | max ms | errors | cores busy (of 2) | on chain afterwards |";

    public static string Rule => "|---|---|---:|---:|---:|---:|---:|---:|---|---:|---|";

    private static string RowLine(ResultRow r) => string.Create(CultureInfo.InvariantCulture,
        $"| {r.Scenario} | {r.Storage} | {r.Sends:N0} | {r.Accepted:N0} | {r.AcceptedPerSecond:N0} | {r.P50Ms:0.0} | {r.P99Ms:0.0} | {r.MaxMs:0.0} | {r.Errors} | {r.Cpu} | {r.OnChain} |");
}
