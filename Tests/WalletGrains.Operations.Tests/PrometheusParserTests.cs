using WalletGrains.Operations.Tests.Infrastructure;

namespace WalletGrains.Operations.Tests;

/// <summary>The test parser itself: it must accept the format and reject what the format forbids, or it proves nothing.</summary>
public sealed class PrometheusParserTests
{
    private const string Valid =
        "# HELP http_requests_total The total number of HTTP requests.\n" +
        "# TYPE http_requests_total counter\n" +
        "http_requests_total{method=\"post\",code=\"200\"} 1027 1395066363000\n" +
        "http_requests_total{method=\"post\",code=\"400\"} 3\n" +
        "# A comment.\n" +
        "msdos_file_access_time_seconds{path=\"C:\\\\DIR\\\\FILE.TXT\",error=\"Cannot find file:\\n\\\"FILE.TXT\\\"\"} 1.458255915e9\n" +
        "# TYPE req_seconds histogram\n" +
        "req_seconds_bucket{le=\"0.05\"} 24054\n" +
        "req_seconds_bucket{le=\"0.1\"} 33444\n" +
        "req_seconds_bucket{le=\"+Inf\"} 144320\n" +
        "req_seconds_sum 53423\n" +
        "req_seconds_count 144320\n" +
        "# TYPE g gauge\n" +
        "g +Inf\n" +
        "g{a=\"x\"} -Inf\n" +
        "g{a=\"y\"} NaN\n";

    public static TheoryData<string, string> Invalid => new()
    {
        { "no final newline", "a 1" },
        { "bad metric name", "1abc 1\n" },
        { "bad label name", "a{1b=\"x\"} 1\n" },
        { "reserved label name", "a{__name=\"x\"} 1\n" },
        { "bad escape", "a{b=\"\\t\"} 1\n" },
        { "unterminated value", "a{b=\"x} 1\n" },
        { "trailing comma", "a{b=\"x\",} 1\n" },
        { "repeated label", "a{b=\"x\",b=\"y\"} 1\n" },
        { "bad float", "a 1,5\n" },
        { "two spaces", "a  1\n" },
        { "duplicate series", "a 1\na 2\n" },
        { "second TYPE", "# TYPE a gauge\n# TYPE a gauge\na 1\n" },
        { "TYPE after samples", "a 1\n# TYPE a gauge\n" },
        { "unknown type", "# TYPE a thing\na 1\n" },
        { "family not contiguous", "a 1\nb 1\na{x=\"1\"} 1\n" },
        { "negative counter", "# TYPE c_total counter\nc_total -1\n" },
        { "histogram without +Inf", "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n" },
        { "le not increasing", "# TYPE h histogram\nh_bucket{le=\"2\"} 1\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n" },
        { "buckets not cumulative", "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n" },
        { "count differs from +Inf", "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n" },
        { "no _sum", "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_count 2\n" },
        { "bucket without le", "# TYPE h histogram\nh_bucket 2\nh_sum 1\nh_count 2\n" },
        { "bad HELP escape", "# HELP a x\\y\na 1\n" },
    };

    [Fact]
    public void Accepts_the_formats_own_examples()
    {
        var families = PrometheusParser.Parse(Valid);

        Assert.Equal("counter", families["http_requests_total"].Type);
        Assert.Equal(3, families.Value("http_requests_total", ("code", "400")));
        Assert.Equal("Cannot find file:\n\"FILE.TXT\"", families["msdos_file_access_time_seconds"].Samples[0].Labels["error"]);
        Assert.Equal(@"C:\DIR\FILE.TXT", families["msdos_file_access_time_seconds"].Samples[0].Labels["path"]);
        Assert.Equal(144320, families.Value("req_seconds_count"));
        Assert.True(double.IsNaN(families.Value("g", ("a", "y"))!.Value));
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Rejects(string why, string text)
    {
        var error = Assert.Throws<FormatException>(() => PrometheusParser.Parse(text));
        Assert.False(string.IsNullOrEmpty(error.Message), why);
    }
}
