using System.Net;
using System.Text.Json.Nodes;
using WalletGrains.Dashboard.Tests.Infrastructure;

namespace WalletGrains.Dashboard.Tests;

/// <summary>
/// Who may read /dashboard/api/snapshot (DESIGN.md §6): the admin key; no key only for loopback requests in
/// Development; never a reader key. The page itself carries no data and loads without a key.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class SnapshotAccessTests(DashboardFixture fixture)
{
    private const string SnapshotPath = "dashboard/api/snapshot";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Production_without_a_key_is_401_even_from_loopback()
    {
        using var client = fixture.Node.CreateClient(key: null);
        using var response = await client.GetAsync(SnapshotPath, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal("unauthorized", (string?)problem["code"]);
    }

    [Fact]
    public async Task Production_with_an_unknown_key_is_401()
    {
        using var client = fixture.Node.CreateClient("wg_not_a_key_at_all_00000000000000");
        using var response = await client.GetAsync(SnapshotPath, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("reader")]
    [InlineData("sender")]
    public async Task A_key_without_the_admin_role_is_403(string role)
    {
        var key = await fixture.Node.CreateApiKeyAsync(role, role == "sender" ? [fixture.Accounts[^1].ToChecksumString()] : null, Ct);
        using var client = fixture.Node.CreateClient(key);
        using var response = await client.GetAsync(SnapshotPath, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal("forbidden", (string?)problem["code"]);
    }

    [Fact]
    public async Task Production_with_the_admin_key_is_200()
    {
        using var response = await fixture.Node.Http.GetAsync(SnapshotPath, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var snapshot = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal("Production", (string?)snapshot["silo"]!["environment"]);
    }

    [Fact]
    public async Task Development_on_loopback_needs_no_key()
    {
        var node = await fixture.StartNodeAsync("Development");
        using var client = node.CreateClient(key: null);
        using var response = await client.GetAsync(SnapshotPath, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var snapshot = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal("Development", (string?)snapshot["silo"]!["environment"]);
    }

    [Fact]
    public async Task Development_with_the_loopback_opt_out_turned_off_needs_the_key()
    {
        var node = await fixture.StartNodeAsync("Development", new Dictionary<string, string?> { ["Wallet:Dashboard:AllowLoopbackWithoutKey"] = "false" });
        using var anonymous = node.CreateClient(key: null);
        using var refused = await anonymous.GetAsync(SnapshotPath, Ct);
        using var admitted = await node.Http.GetAsync(SnapshotPath, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
    }

    [Fact]
    public async Task The_page_loads_without_a_key_and_only_from_this_origin()
    {
        using var client = fixture.Node.CreateClient(key: null);
        using var page = await client.GetAsync("dashboard", Ct);
        var html = await page.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var csp = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self'", csp, StringComparison.Ordinal);
        // No CDN: nothing the page references lives on another origin.
        Assert.DoesNotContain("//", html, StringComparison.Ordinal);

        foreach (var (asset, mediaType) in new[] { ("dashboard.js", "text/javascript"), ("dashboard.css", "text/css"), ("favicon.svg", "image/svg+xml") })
        {
            Assert.Contains($"/dashboard/assets/{asset}", html, StringComparison.Ordinal);
            using var response = await client.GetAsync($"dashboard/assets/{asset}", Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        }

        using var missing = await client.GetAsync("dashboard/assets/nothing.js", Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task The_script_never_inserts_server_data_as_markup()
    {
        using var client = fixture.Node.CreateClient(key: null);
        var script = await client.GetStringAsync("dashboard/assets/dashboard.js", Ct);

        Assert.DoesNotContain("innerHTML", script, StringComparison.Ordinal);
        Assert.DoesNotContain("outerHTML", script, StringComparison.Ordinal);
        Assert.DoesNotContain("insertAdjacentHTML", script, StringComparison.Ordinal);
        Assert.DoesNotContain("document.write", script, StringComparison.Ordinal);
        Assert.DoesNotContain("eval(", script, StringComparison.Ordinal);
    }
}
