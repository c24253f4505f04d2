using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WalletGrains.Grains;
using WalletGrains.Grains.Delivery;
using WalletGrains.Grains.Storage;

namespace WalletGrains.Delivery.Tests;

/// <summary>The pieces without I/O: type patterns, backoff bounds, event JSON, the signature, URL rules and options.</summary>
public sealed class DeliveryUnitTests
{
    [Fact]
    public void Type_patterns_match_exact_types_prefixes_and_everything()
    {
        Assert.Contains(WalletEventTypes.TransactionConfirmed, EventTypeFilter.KnownTypes);
        Assert.Contains(WalletEventTypes.BalanceChanged, EventTypeFilter.KnownTypes);
        Assert.True(EventTypeFilter.TryCreate(["transaction.*", "approval", "transaction.*"], out var filter, out _));
        Assert.Equal(["transaction.*", "approval"], filter.Patterns);
        foreach (var type in EventTypeFilter.KnownTypes)
        {
            Assert.Equal(type.StartsWith("transaction.", StringComparison.Ordinal) || type == "approval", filter.Matches(type));
            Assert.True(EventTypeFilter.All.Matches(type));
            Assert.True(EventTypeFilter.TryCreate([type], out var exact, out _));
            Assert.Equal([type], EventTypeFilter.KnownTypes.Where(exact.Matches));
        }

        // A prefix matches at a dot boundary only.
        Assert.True(EventTypeFilter.TryCreate(["transfer.*"], out var transfers, out _));
        Assert.False(transfers.Matches("transferx.incoming"));
        Assert.True(transfers.Matches(WalletEventTypes.TransferIncoming));
    }

    [Theory]
    [InlineData("")]
    [InlineData("transaction")]
    [InlineData("transaction.confirm")]
    [InlineData("transactions.*")]
    [InlineData("*.confirmed")]
    [InlineData("TRANSACTION.CONFIRMED")]
    [InlineData(" approval")]
    public void Unknown_or_malformed_patterns_are_refused(string pattern)
    {
        Assert.False(EventTypeFilter.TryCreate([pattern], out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Empty_or_oversized_pattern_lists_are_refused()
    {
        Assert.False(EventTypeFilter.TryCreate([], out _, out _));
        var many = EventTypeFilter.KnownTypes.Concat(EventTypeFilter.KnownTypes.Select(t => t[..(t.IndexOf('.', StringComparison.Ordinal) + 1)] + "*")).Distinct().ToList();
        Assert.True(EventTypeFilter.TryCreate(many.Take(EventTypeFilter.MaxPatterns), out _, out _));
    }

    [Fact]
    public void Backoff_stays_within_full_jitter_bounds()
    {
        // Oracle: min(max, initial · 2^(n−1)) computed with big integers.
        var cases =
            from initialMs in Gen.Choose(1, 10_000_000)
            from extraMs in Gen.Choose(0, 10_000)
            from failures in Gen.Choose(1, 200)
            from seed in Gen.Choose(0, int.MaxValue)
            select (initialMs, extraMs, failures, seed);
        Prop.ForAll(
            cases.ToArbitrary(),
            c =>
            {
                var (initialMs, extraMs, failures, seed) = c;
                var initial = TimeSpan.FromMilliseconds(initialMs);
                var max = TimeSpan.FromMilliseconds(initialMs + ((long)extraMs * 1000));
                var backoff = new WebhookBackoff(initial, max, new Random(seed));
                var expected = BigInteger.Min(new BigInteger(max.Ticks), new BigInteger(initial.Ticks) * BigInteger.Pow(2, failures - 1));
                var ceiling = backoff.Ceiling(failures);
                var delay = backoff.Delay(failures);
                return ceiling.Ticks == expected && delay >= TimeSpan.Zero && delay <= ceiling;
            }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Backoff_spreads_retries_across_the_window()
    {
        var backoff = new WebhookBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), new Random(7));
        var delays = Enumerable.Range(0, 1000).Select(_ => backoff.Delay(30)).ToList();
        Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, TimeSpan.FromHours(1)));
        Assert.True(delays.Distinct().Count() > 990);
        Assert.InRange(delays.Average(d => d.TotalMinutes), 25, 35);
    }

    [Fact]
    public void Event_json_has_the_contract_fields_and_the_stored_data_as_json()
    {
        var data = """{"z":1,"a":"Überweisung \u2713","n":123456789012345678901234567890,"nested":{"x":[1,2]}}""";
        var walletEvent = new WalletEvent(42, WalletEventTypes.BalanceChanged, DateTimeOffset.FromUnixTimeMilliseconds(1_900_000_000_123), 10, true, data);
        var bytes = WalletEventJson.ToUtf8Bytes(walletEvent);
        var text = Encoding.UTF8.GetString(bytes);

        // The stored data is carried byte for byte (key order, number text, escapes).
        Assert.Contains("\"data\":" + data, text, StringComparison.Ordinal);
        var node = JsonNode.Parse(bytes)!.AsObject();
        Assert.Equal(["id", "type", "createdAt", "chainId", "removed", "data"], node.Select(p => p.Key));
        Assert.Equal(42, (long)node["id"]!);
        Assert.Equal(walletEvent.CreatedAt, DateTimeOffset.Parse((string)node["createdAt"]!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(10UL, (ulong)node["chainId"]!);
        Assert.True((bool)node["removed"]!);
        Assert.Equal(JsonValueKind.Object, node["data"]!.GetValueKind());

        // Stored data with line breaks (indented JSON) is re-written on one line, as SSE needs.
        var indented = walletEvent with { Data = "{\n  \"a\": [1,\r\n 2],\n  \"b\": \"x\\ny\"\n}" };
        var one = Encoding.UTF8.GetString(WalletEventJson.ToUtf8Bytes(indented));
        Assert.DoesNotContain('\n', one);
        Assert.DoesNotContain('\r', one);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(indented.Data), JsonNode.Parse(one)!["data"]));
    }

    [Fact]
    public void Signatures_of_the_service_verify_with_an_independent_check_and_only_with_the_right_secret()
    {
        Prop.ForAll(
            ArbMap.Default.ArbFor<byte[]>(),
            Gen.Choose(0, int.MaxValue).ToArbitrary(),
            (body, t) =>
            {
                var secret = WebhookSecrets.NewSecret();
                var header = WebhookSignature.Create(secret, t, body);
                return SignatureCheck.Verify(header, body, secret, out var timestamp)
                    && timestamp == t
                    && !SignatureCheck.Verify(header, body, WebhookSecrets.NewSecret(), out _)
                    && !SignatureCheck.Verify(header, [.. body, 0], secret, out _);
            }).QuickCheckThrowOnFailure();

        var secretText = WebhookSecrets.NewSecret();
        Assert.Matches("^whsec_[A-Za-z0-9_-]{43}$", secretText);
        Assert.Matches("^wh_[0-9a-f]{16}$", WebhookSecrets.NewId());
    }

    [Theory]
    [InlineData("https://example.com/hook", true)]
    [InlineData("http://127.0.0.1:8080/a?b=c", true)]
    [InlineData("ftp://example.com/hook", false)]
    [InlineData("example.com/hook", false)]
    [InlineData("/hook", false)]
    [InlineData("https://user:pw@example.com/hook", false)]
    [InlineData("https://example.com/hook#frag", false)]
    [InlineData("", false)]
    public void Webhook_urls_must_be_absolute_http_without_credentials_or_fragment(string url, bool valid)
    {
        Assert.Equal(valid, WebhookUrl.TryParse(url, out _, out var reason));
        Assert.Equal(valid, reason is null);
    }

    [Theory]
    [InlineData("Wallet:Webhooks:MaxBackoff", "00:00:00.500", "MaxBackoff")]
    [InlineData("Wallet:Webhooks:RetryFor", "-01:00:00", "RetryFor")]
    [InlineData("Wallet:Webhooks:LeaseDuration", "00:00:05", "LeaseDuration")]
    [InlineData("Wallet:Events:PollInterval", "00:00:00", "PollInterval")]
    public void Bad_options_fail_at_start_quoting_the_value(string key, string value, string named)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IWalletStore>(new MemoryWalletStore());
        services.AddWalletDelivery(configuration, "memory", "");
        using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() =>
        {
            _ = provider.GetRequiredService<IOptions<WebhookOptions>>().Value;
            _ = provider.GetRequiredService<IOptions<EventFeedOptions>>().Value;
        });
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.Contains(value.TrimStart('-'), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_wallet_store_registration_is_wrapped_so_appends_wake_readers()
    {
        var inner = new MemoryWalletStore();
        var services = new ServiceCollection().AddLogging().AddSingleton<IWalletStore>(inner);
        services.AddWalletDelivery(new ConfigurationBuilder().Build(), "memory", "");
        services.AddWalletDelivery(new ConfigurationBuilder().Build(), "memory", "");
        await using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<IWalletStore>();
        var notifier = provider.GetRequiredService<IEventNotifier>();
        Assert.NotSame(inner, store);

        var generation = notifier.Generation;
        var waiting = notifier.WaitAsync(generation, TimeSpan.FromMinutes(5), TestContext.Current.CancellationToken);
        Assert.False(waiting.IsCompleted);
        await store.AppendEventsAsync([TestEvents.BalanceChanged()], TestContext.Current.CancellationToken);
        Assert.True(await waiting);

        // Wrapped once, even when registered twice.
        Assert.Equal(generation + 1, notifier.Generation);
        Assert.Single(await inner.ReadEventsAsync(0, 10, TestContext.Current.CancellationToken));
    }
}
