using System.Text.Json.Nodes;
using Microsoft.Playwright;
using WalletGrains.Dashboard.Tests.Infrastructure;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Dashboard.Tests;

/// <summary>
/// The page in a real browser (Debian's chromium driven by Playwright; no browser downloads) against a real silo
/// in Production on SQLite and anvil: the account row follows sends live, and a screenshot is saved.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardBrowserTests(DashboardFixture fixture)
{
    /// <summary>Debian's package; CI installs it with the test command's apt packages.</summary>
    private const string ChromiumPath = "/usr/bin/chromium";

    private const int Sends = 30;

    private static readonly float Timeout = (float)TimeSpan.FromSeconds(60).TotalMilliseconds;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Where screenshots go: the test output folder, so CI can keep them as artifacts.</summary>
    public static string ArtifactsDirectory => Path.Combine(AppContext.BaseDirectory, "artifacts");

    [Fact]
    public async Task The_account_row_follows_sends_live_and_a_screenshot_is_saved()
    {
        if (!File.Exists(ChromiumPath))
        {
            Assert.Fail($"Chromium not found at {ChromiumPath}. The browser test uses Debian's chromium (apt-get install -y chromium); Playwright browser downloads do not work here.");
        }

        var from = fixture.TakeAccounts(1)[0];
        var to = fixture.Accounts[0];
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            Headless = true,
        });
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } });
        var page = await context.NewPageAsync();
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                problems.Add(message.Text);
            }
        };
        page.PageError += (_, error) => problems.Add(error);

        await page.GotoAsync(new Uri(fixture.Node.BaseUrl, $"dashboard#key={DashboardNode.AdminKey}").ToString());

        // The key moved from the address bar to sessionStorage; the row appears once the first snapshot arrived.
        var row = page.Locator($"tr[data-account=\"{from.ToLowerHex()}\"]");
        await Assertions.Expect(row).ToBeVisibleAsync(new() { Timeout = Timeout });
        Assert.DoesNotContain("key=", page.Url, StringComparison.Ordinal);
        Assert.Equal("live", await page.Locator("[data-testid=connection]").GetAttributeAsync("data-state"));
        var nonceBefore = await ReadFieldAsync(row, "nextNonce");
        var pendingBefore = await ReadFieldAsync(row, "pending");
        Assert.Equal(0, pendingBefore);

        var sending = SendAsync(from, to);

        // Playwright polls the page until the condition holds or the deadline passes; no fixed sleeps.
        await page.WaitForFunctionAsync(
            """
            ([address, nonce]) => {
              const row = document.querySelector(`tr[data-account="${address}"]`);
              if (!row) return false;
              const read = (field) => Number(row.querySelector(`[data-field="${field}"]`).dataset.value);
              return read('nextNonce') > nonce && read('pending') > 0;
            }
            """,
            new object[] { from.ToLowerHex(), nonceBefore },
            new() { Timeout = Timeout, PollingInterval = 100 });

        Directory.CreateDirectory(ArtifactsDirectory);
        var livePath = Path.Combine(ArtifactsDirectory, "dashboard.png");
        await page.ScreenshotAsync(new() { Path = livePath });

        var ids = await sending;
        Assert.Equal(Sends, ids.Count);

        // Everything confirmed: the row settles at the new nonce with nothing in flight.
        await Assertions.Expect(row.Locator("[data-field=nextNonce]")).ToHaveAttributeAsync("data-value", (nonceBefore + Sends).ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = Timeout });
        await Assertions.Expect(row.Locator("[data-field=pending]")).ToHaveAttributeAsync("data-value", "0", new() { Timeout = Timeout });
        await Assertions.Expect(row.Locator("[data-field=queued]")).ToHaveAttributeAsync("data-value", "0", new() { Timeout = Timeout });
        await Assertions.Expect(row.Locator("[data-field=confirmedNonce]")).ToHaveAttributeAsync("data-value", (nonceBefore + Sends).ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = Timeout });

        // The recent transactions table shows this account's transactions confirmed, one attempt each.
        var newest = page.Locator($"tr[data-transaction=\"{ids[^1]}\"]");
        await Assertions.Expect(newest.Locator("[data-field=status]")).ToHaveAttributeAsync("data-value", "confirmed", new() { Timeout = Timeout });
        Assert.Equal("1", await newest.Locator("[data-field=attempts]").GetAttributeAsync("data-value"));

        var settledPath = Path.Combine(ArtifactsDirectory, "dashboard-settled.png");
        await page.ScreenshotAsync(new() { Path = settledPath });
        TestContext.Current.SendDiagnosticMessage($"Dashboard screenshots: {livePath}, {settledPath}");

        foreach (var path in new[] { livePath, settledPath })
        {
            var size = new FileInfo(path).Length;
            Assert.True(size > 20_000, $"{path} is only {size} bytes");
        }

        Assert.True(problems.Count == 0, "Browser console errors: " + string.Join(" | ", problems));
    }

    private static async Task<long> ReadFieldAsync(ILocator row, string field) =>
        long.Parse((await row.Locator($"[data-field={field}]").GetAttributeAsync("data-value"))!, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>POST /v1/transactions <see cref="Sends"/> times, a few at a time, as an app server would.</summary>
    private async Task<List<string>> SendAsync(Address from, Address to)
    {
        var ids = new List<string>();
        foreach (var batch in Enumerable.Range(0, Sends).Chunk(5))
        {
            var responses = await Task.WhenAll(batch.Select(async _ =>
            {
                var body = new JsonObject
                {
                    ["chainId"] = fixture.Anvil.ChainId,
                    ["from"] = from.ToChecksumString(),
                    ["to"] = to.ToChecksumString(),
                    ["value"] = "1000",
                };
                using var content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
                using var response = await fixture.Node.Http.PostAsync("v1/transactions", content, Ct);
                var text = await response.Content.ReadAsStringAsync(Ct);
                Assert.True((int)response.StatusCode == 202, text);
                return JsonNode.Parse(text)!;
            }));
            ids.AddRange(responses.OrderBy(r => (ulong)r["nonce"]!).Select(r => (string)r["id"]!));
        }

        return ids;
    }
}
