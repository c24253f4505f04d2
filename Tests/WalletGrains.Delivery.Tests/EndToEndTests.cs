using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using WalletGrains.Ethereum.Keys;
using WalletGrains.Ethereum.Model;
using WalletGrains.Silo;
using WalletGrains.Testing;

namespace WalletGrains.Delivery.Tests;

/// <summary>
/// The whole silo (WalletHost, the executable's composition) on a real anvil: a send through the REST API produces
/// transaction.* events that a webhook receives signed and in order, and that the SSE stream and GET /v1/events show.
/// </summary>
public sealed class EndToEndTests
{
    private const string AdminKey = "wg_delivery_e2e_admin_key_0123456789";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestStorage.Kinds), MemberType = typeof(TestStorage))]
    public async Task A_send_on_anvil_reaches_the_webhook_the_stream_and_the_log(string kind)
    {
        await using var anvil = await AnvilProcess.StartAsync(new AnvilOptions { BlockTimeSeconds = 1 }, Ct);
        var mnemonic = Bip39Mnemonic.Generate(12);
        var accounts = Bip44.DeriveEthereumAccounts(mnemonic, 2).Select(a => { using (a) { return a.Address; } }).ToList();
        await anvil.RequestAsync("anvil_setBalance", accounts[0].ToLowerHex(), "0x" + (Wei.WeiPerEther * 10UL).ToBigInteger().ToString("x", CultureInfo.InvariantCulture));

        await using var storage = await TestStorage.CreateAsync(kind);
        await using var receiver = await WebhookReceiver.StartAsync();
        var port = FreePort.GetLoopbackPort();
        var builder = WalletHost.CreateBuilder(["--environment", "Testing"], b =>
        {
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Wallet:Auth:AdminApiKey"] = AdminKey,
                ["Wallet:DevChain:Enabled"] = "false",
                ["Wallet:Storage:Provider"] = storage.Provider,
                ["Wallet:Storage:ConnectionString"] = storage.ConnectionString,
                ["Wallet:Chains:0:ChainId"] = anvil.ChainId.ToString(CultureInfo.InvariantCulture),
                ["Wallet:Chains:0:Name"] = "anvil",
                ["Wallet:Chains:0:RpcUrls:0"] = anvil.RpcUrl.ToString(),
                ["Wallet:Chains:0:PollInterval"] = "00:00:00.200",
                ["Wallet:Chains:0:Confirmations"] = "2",
                ["Wallet:Signers:Mnemonic"] = mnemonic.Phrase,
                ["Wallet:Signers:MnemonicCount"] = "2",
            });
            b.WebHost.UseUrls($"http://127.0.0.1:{port}/");
            b.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await using var app = WalletHost.Build(builder);
        await app.StartAsync(Ct);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(60) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);

            using var created = await http.PostAsJsonAsync("v1/webhooks", new { url = receiver.Url.AbsoluteUri, events = new[] { "transaction.*" } }, Ct);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var webhook = JsonNode.Parse(await created.Content.ReadAsStringAsync(Ct))!;
            var secret = (string)webhook["secret"]!;
            await using var stream = await SseClient.OpenAsync(http, $"v1/events/stream?after={(long)webhook["cursor"]!}&types=transaction.*", cancellationToken: Ct);

            using var sent = await http.PostAsJsonAsync(
                "v1/transactions",
                new { chainId = anvil.ChainId, from = accounts[0].ToChecksumString(), to = accounts[1].ToChecksumString(), value = "12345", data = "0x" },
                Ct);
            var sentText = await sent.Content.ReadAsStringAsync(Ct);
            Assert.True(sent.StatusCode == HttpStatusCode.Accepted, sentText);
            var transactionId = (string)JsonNode.Parse(sentText)!["id"]!;

            // The webhook gets the lifecycle up to transaction.confirmed, signed, in id order.
            await Eventually.HoldsAsync(
                () => receiver.Accepted.Any(r => (string)JsonNode.Parse(r.Body)!["type"]! == "transaction.confirmed"),
                TimeSpan.FromSeconds(45),
                "transaction.confirmed at the webhook", TestContext.Current.CancellationToken);
            var delivered = receiver.Accepted.Select(r => (Request: r, Body: JsonNode.Parse(r.Body)!)).ToList();
            Assert.All(delivered, d => Assert.True(SignatureCheck.Verify(d.Request.Signature, d.Request.Body, secret, out _)));
            Assert.All(delivered, d => Assert.Equal(transactionId, (string)d.Body["data"]!["id"]!));
            var ids = delivered.Select(d => (long)d.Body["id"]!).ToList();
            Assert.Equal(ids.Order(), ids);
            Assert.Equal("transaction.submitted", (string)delivered[0].Body["type"]!);
            Assert.Equal("transaction.confirmed", (string)delivered[^1].Body["type"]!);
            Assert.Equal("confirmed", (string)delivered[^1].Body["data"]!["status"]!);
            Assert.Equal(anvil.ChainId, (ulong)delivered[^1].Body["chainId"]!);

            // The log holds exactly these transaction events after the webhook's start, byte for byte the same.
            using var page = JsonDocument.Parse(await http.GetStringAsync($"v1/events?after={(long)webhook["cursor"]!}&types=transaction.*&limit=1000", Ct));
            var items = page.RootElement.GetProperty("items").EnumerateArray().ToList();
            Assert.Equal(ids, items.Select(i => i.GetProperty("id").GetInt64()));
            Assert.Equal(items.Select(i => i.GetRawText()), delivered.Select(d => System.Text.Encoding.UTF8.GetString(d.Request.Body)));

            // The stream shows the same events in the same order.
            foreach (var id in ids)
            {
                var message = await stream.NextAsync(TimeSpan.FromSeconds(15));
                Assert.Equal(id.ToString(CultureInfo.InvariantCulture), message.Id);
            }
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }
    }
}
