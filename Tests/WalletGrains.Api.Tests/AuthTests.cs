using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using WalletGrains.Api.Tests.Infrastructure;
using WalletGrains.Grains;
using WalletGrains.Grains.Storage;

namespace WalletGrains.Api.Tests;

/// <summary>API keys: bearer auth, roles, allow-lists, key creation and the bootstrap admin key.</summary>
public sealed class AuthTests
{
    private static string SendBody(string from) => SendTests.Body(from, "\"1\"");

    [Fact]
    public async Task Missing_key_is_401_with_a_bearer_challenge()
    {
        await using var host = await ApiTestHost.StartAsync();
        var response = await host.SendAsync(HttpMethod.Post, "/v1/transactions", SendBody(ApiTestHost.Custodied.ToLowerHex()), key: null);

        await Problems.AssertAsync(response, HttpStatusCode.Unauthorized, WalletErrorCodes.Unauthorized);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        Assert.Empty(host.Gateway.Commands);
    }

    [Theory]
    [InlineData("Bearer wg_not-a-key")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer ")]
    public async Task Wrong_key_is_401(string authorization)
    {
        await using var host = await ApiTestHost.StartAsync();
        var request = ApiTestHost.Request(HttpMethod.Get, "/v1/accounts", key: null);
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        var response = await host.Client.SendAsync(request, TestContext.Current.CancellationToken);

        await Problems.AssertAsync(response, HttpStatusCode.Unauthorized, WalletErrorCodes.Unauthorized);
    }

    [Fact]
    public async Task Revoked_key_is_401()
    {
        await using var host = await ApiTestHost.StartAsync();
        var key = host.AddKey(ApiRoles.Reader);
        var hash = ApiKeySecrets.Hash(key);
        host.Store.ApiKeysByHash[hash] = host.Store.ApiKeysByHash[hash] with { RevokedAt = TestData.Epoch };

        await Problems.AssertAsync(await host.SendAsync(HttpMethod.Get, "/v1/accounts", key: key), HttpStatusCode.Unauthorized, WalletErrorCodes.Unauthorized);
    }

    [Fact]
    public async Task Reader_may_read_but_not_send()
    {
        await using var host = await ApiTestHost.StartAsync();
        var reader = host.AddKey(ApiRoles.Reader);

        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Get, "/v1/accounts", key: reader)).StatusCode);
        var response = await host.SendAsync(HttpMethod.Post, "/v1/transactions", SendBody(ApiTestHost.Custodied.ToLowerHex()), key: reader);

        await Problems.AssertAsync(response, HttpStatusCode.Forbidden, WalletErrorCodes.Forbidden);
        Assert.Empty(host.Gateway.Commands);
        await Problems.AssertAsync(
            await host.SendAsync(HttpMethod.Post, "/v1/api-keys", "{\"role\":\"reader\"}", key: reader),
            HttpStatusCode.Forbidden,
            WalletErrorCodes.Forbidden);
        Assert.Empty(host.Store.Writes);
    }

    [Fact]
    public async Task Sender_sends_only_from_its_allow_list()
    {
        await using var host = await ApiTestHost.StartAsync();
        var sender = host.AddKey(ApiRoles.Sender, ApiTestHost.Custodied);

        var outside = await host.SendAsync(HttpMethod.Post, "/v1/transactions", SendBody(ApiTestHost.Custodied2.ToLowerHex()), key: sender);
        await Problems.AssertAsync(outside, HttpStatusCode.Forbidden, WalletErrorCodes.FromNotAllowed);
        Assert.Empty(host.Gateway.Commands);

        var inside = await host.SendAsync(HttpMethod.Post, "/v1/transactions", SendBody(ApiTestHost.Custodied.ToChecksumString()), key: sender);
        Assert.Equal(HttpStatusCode.Accepted, inside.StatusCode);
        Assert.Equal(host.Store.ApiKeysByHash[ApiKeySecrets.Hash(sender)].Id, Assert.Single(host.Gateway.Commands).ApiKeyId);
    }

    [Fact]
    public async Task Admin_creates_a_key_that_then_works_and_is_stored_only_as_a_hash()
    {
        await using var host = await ApiTestHost.StartAsync();
        var json = $"{{\"role\":\"sender\",\"allowedFrom\":[\"{ApiTestHost.Custodied.ToLowerHex()}\"]}}";

        var response = await host.SendAsync(HttpMethod.Post, "/v1/api-keys", json);

        var body = await Problems.JsonAsync(response, HttpStatusCode.Created);
        Assert.Equal(["id", "key", "role", "allowedFrom", "createdAt"], Problems.Names(body));
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
        var id = body.GetProperty("id").GetString()!;
        var key = body.GetProperty("key").GetString()!;
        Assert.StartsWith(ApiKeySecrets.Prefix, key, StringComparison.Ordinal);
        Assert.Equal(ApiTestHost.Custodied.ToChecksumString(), Assert.Single(body.GetProperty("allowedFrom").EnumerateArray()).GetString());

        var stored = Assert.Single(host.Store.ApiKeysByHash.Values);
        Assert.Equal(id, stored.Id);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key))), stored.KeyHash);
        Assert.DoesNotContain(key, stored.ToString(), StringComparison.Ordinal);
        Assert.Equal(ApiRoles.Sender, stored.Role);
        Assert.Equal([ApiTestHost.Custodied], stored.AllowedFrom);

        var send = await host.SendAsync(HttpMethod.Post, "/v1/transactions", SendBody(ApiTestHost.Custodied.ToLowerHex()), key: key);
        Assert.Equal(HttpStatusCode.Accepted, send.StatusCode);
        Assert.Equal(id, Assert.Single(host.Gateway.Commands).ApiKeyId);
    }

    [Theory]
    [InlineData("{\"role\":\"owner\"}", WalletErrorCodes.InvalidRequest)]
    [InlineData("{\"role\":\"sender\"}", WalletErrorCodes.InvalidRequest)]
    [InlineData("{\"role\":\"sender\",\"allowedFrom\":[]}", WalletErrorCodes.InvalidRequest)]
    [InlineData("{\"role\":\"reader\",\"allowedFrom\":[\"0x0000000000000000000000000000000000000001\"]}", WalletErrorCodes.InvalidRequest)]
    [InlineData("{\"role\":\"sender\",\"allowedFrom\":[\"0x12\"]}", WalletErrorCodes.InvalidAddress)]
    [InlineData("{\"role\":\"sender\",\"allowedFrom\":\"0x0000000000000000000000000000000000000001\"}", WalletErrorCodes.InvalidRequest)]
    [InlineData("{\"role\":\"admin\",\"extra\":1}", WalletErrorCodes.InvalidRequest)]
    [InlineData("{\"role\":", WalletErrorCodes.InvalidRequest)]
    public async Task Bad_key_request_is_400_and_stores_nothing(string json, string code)
    {
        await using var host = await ApiTestHost.StartAsync();
        await Problems.AssertAsync(await host.SendAsync(HttpMethod.Post, "/v1/api-keys", json), HttpStatusCode.BadRequest, code);
        Assert.Empty(host.Store.Writes);
    }

    [Fact]
    public async Task Key_lookups_are_cached()
    {
        await using var host = await ApiTestHost.StartAsync();
        var reader = host.AddKey(ApiRoles.Reader);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Get, "/v1/accounts", key: reader)).StatusCode);
        }

        Assert.Equal(1, host.Store.ApiKeyLookups);
    }

    [Fact]
    public async Task Health_needs_no_key()
    {
        await using var host = await ApiTestHost.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Get, "/health/live", key: null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Get, "/health/ready", key: null)).StatusCode);
    }

    [Fact]
    public async Task Development_generates_an_admin_key_when_none_is_configured()
    {
        await using var host = await ApiTestHost.StartAsync(null, "Development", includeAdminKey: false);
        var bootstrap = host.Services.GetRequiredService<BootstrapAdminKey>();

        Assert.Equal(AdminKeySource.Generated, bootstrap.Source);
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Get, "/v1/accounts", key: bootstrap.GeneratedKey)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.SendAsync(HttpMethod.Get, "/v1/accounts", key: ApiTestHost.AdminKey)).StatusCode);
    }

    [Fact]
    public async Task Outside_development_no_key_is_generated()
    {
        await using var host = await ApiTestHost.StartAsync(null, "Production", includeAdminKey: false);
        var bootstrap = host.Services.GetRequiredService<BootstrapAdminKey>();

        Assert.Equal(AdminKeySource.None, bootstrap.Source);
        Assert.Null(bootstrap.GeneratedKey);
    }
}
