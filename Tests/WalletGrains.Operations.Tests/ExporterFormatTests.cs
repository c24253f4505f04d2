using System.Diagnostics.Metrics;
using FsCheck;
using FsCheck.Fluent;
using WalletGrains.Api.Operations;
using WalletGrains.Operations.Tests.Infrastructure;

namespace WalletGrains.Operations.Tests;

/// <summary>The exporter's text, fed through the strict parser, for every instrument kind and awkward labels.</summary>
public sealed class ExporterFormatTests
{
    private const string Awkward = "a\"quoted\" \\back\\slash\\ and\nnew line";

    [Fact]
    public void Every_instrument_kind_renders_as_valid_exposition_with_the_recorded_values()
    {
        using var meter = new Meter("WalletGrains.Tests.Format." + Guid.NewGuid().ToString("N"));
        using var exporter = new PrometheusExporter([meter.Name]);
        var requests = meter.CreateCounter<long>("test.requests", "{request}", "Requests with \"quotes\", a \\ backslash\nand a newline.");
        var already = meter.CreateCounter<double>("test.bytes_total", "By", null);
        var inflight = meter.CreateUpDownCounter<int>("test.inflight");
        var latency = meter.CreateHistogram<double>("test.latency", "s", "Latency.");
        var gaugeValue = 41.5;
        meter.CreateObservableGauge("test.temperature", () => new Measurement<double>(gaugeValue, new KeyValuePair<string, object?>("room", Awkward)), "Cel");

        requests.Add(2, new KeyValuePair<string, object?>("path", Awkward));
        requests.Add(1, new KeyValuePair<string, object?>("path", Awkward));
        requests.Add(5, new KeyValuePair<string, object?>("code", 200), new KeyValuePair<string, object?>("path", "/plain"));
        // Same tags in the other order: the same series.
        requests.Add(1, new KeyValuePair<string, object?>("path", "/plain"), new KeyValuePair<string, object?>("code", 200));
        already.Add(1.5);
        inflight.Add(5);
        inflight.Add(-2);
        foreach (var seconds in new[] { 0.0005, 0.003, 7.0, 100.0 })
        {
            latency.Record(seconds, new KeyValuePair<string, object?>("op", Awkward), new KeyValuePair<string, object?>("le", "tag named le"));
        }

        var text = exporter.Collect();
        var families = PrometheusParser.Parse(text);

        Assert.Equal("counter", families["test_requests_total"].Type);
        Assert.Equal("Requests with \"quotes\", a \\ backslash\nand a newline.", families["test_requests_total"].Help);
        Assert.Equal(3, families.Value("test_requests_total", ("path", Awkward)));
        Assert.Equal(6, families.Value("test_requests_total", ("path", "/plain"), ("code", "200")));
        Assert.Equal(1.5, families.Value("test_bytes_total"));
        Assert.DoesNotContain("_total_total", text, StringComparison.Ordinal);
        Assert.Equal("gauge", families["test_inflight"].Type);
        Assert.Equal(3, families.Value("test_inflight"));
        Assert.Equal("gauge", families["test_temperature_Cel"].Type);
        Assert.Equal(41.5, families.Value("test_temperature_Cel", ("room", Awkward)));

        var histogram = families["test_latency_seconds"];
        Assert.Equal("histogram", histogram.Type);
        var buckets = histogram.Samples.Where(s => s.Name == "test_latency_seconds_bucket").ToList();
        Assert.Equal(PrometheusExporter.DefaultBuckets.Count + 1, buckets.Count);
        Assert.All(buckets, b => Assert.Equal(Awkward, b.Labels["op"]));
        Assert.All(buckets, b => Assert.Equal("tag named le", b.Labels["tag_le"]));
        // le is inclusive: 0.0005 falls in the 0.0005 bucket; 100 only in +Inf.
        Assert.Equal(1, buckets.Single(b => b.Labels["le"] == "0.0005").Value);
        Assert.Equal(2, buckets.Single(b => b.Labels["le"] == "0.005").Value);
        Assert.Equal(3, buckets.Single(b => b.Labels["le"] == "10").Value);
        Assert.Equal(4, buckets.Single(b => b.Labels["le"] == "+Inf").Value);
        Assert.Equal(0.0005 + 0.003 + 7.0 + 100.0, families.Value("test_latency_seconds_sum"));
        Assert.Equal(4, families.Value("test_latency_seconds_count"));

        // Observable series are what the latest collection reported.
        gaugeValue = -3;
        Assert.Equal(-3, PrometheusParser.Parse(exporter.Collect()).Value("test_temperature_Cel", ("room", Awkward)));
    }

    [Fact]
    public void Any_label_value_round_trips_through_escaping()
    {
        using var meter = new Meter("WalletGrains.Tests.Escaping." + Guid.NewGuid().ToString("N"));
        using var exporter = new PrometheusExporter([meter.Name]);
        var counter = meter.CreateCounter<long>("test.escaped");

        Prop.ForAll(ArbMap.Default.ArbFor<NonEmptyString>(), value =>
        {
            var text = value.Get;
            counter.Add(1, new KeyValuePair<string, object?>("v", text));
            var families = PrometheusParser.Parse(exporter.Collect());
            return families["test_escaped_total"].Samples.Any(s => s.Labels.TryGetValue("v", out var parsed) && parsed == text);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Names_are_sanitised_and_suffixed_once()
    {
        Assert.Equal("http_server_request_duration_seconds", PrometheusText.FamilyName("http.server.request.duration", "s", isCounter: false));
        Assert.Equal("http_server_active_requests", PrometheusText.FamilyName("http.server.active_requests", "{request}", isCounter: false));
        Assert.Equal("wallet_transactions_total", PrometheusText.FamilyName("wallet.transactions", "{transaction}", isCounter: true));
        Assert.Equal("wallet_transactions_total", PrometheusText.FamilyName("wallet_transactions_total", null, isCounter: true));
        Assert.Equal("wallet_oldest_pending_seconds", PrometheusText.FamilyName("wallet.oldest_pending", "s", isCounter: false));
        Assert.Equal("io_bytes_total", PrometheusText.FamilyName("io.bytes_total", "By", isCounter: true));
        Assert.Equal("_9lives_x_y", PrometheusText.FamilyName("9lives-x y", null, isCounter: false));
        Assert.Equal("tag_reserved", PrometheusText.LabelName("__reserved"));
        Assert.Equal("http_response_status_code", PrometheusText.LabelName("http.response.status_code"));
    }
}
