using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using WalletGrains.Grains.Storage;

namespace WalletGrains.Cli.Tests;

public sealed class ApiKeysCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wallet-cli-keys-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await WalletCli.RunAsync(args, new StringReader(""), output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Create_stores_only_the_hash_and_prints_the_key_once()
    {
        var cs = $"Data Source={Path.Combine(_dir, "sub", "wallet.db")}";
        var allowed = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
        var (code, output, err) = await Run("api-keys", "create", "--role", "sender", "--allow", allowed.ToLowerInvariant(), "--storage", "sqlite", "--connection-string", cs);
        Assert.True(code == 0, err);
        var json = JsonNode.Parse(output)!;
        var key = (string)json["key"]!;
        Assert.StartsWith("wg_", key, StringComparison.Ordinal);
        Assert.Equal(allowed, (string)json["allowedFrom"]![0]!);

        await using var store = new SqliteWalletStore(cs);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        var record = await store.FindApiKeyByHashAsync(hash, TestContext.Current.CancellationToken);
        Assert.NotNull(record);
        Assert.Equal("sender", record.Role);
        Assert.Equal((string)json["id"]!, record.Id);
        Assert.Equal(allowed, record.AllowedFrom.Single().ToChecksumString());
        Assert.DoesNotContain(key, await File.ReadAllTextAsync(Path.Combine(_dir, "sub", "wallet.db"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("owner", null, "admin, sender or reader")]
    [InlineData("sender", null, "--allow")]
    [InlineData("reader", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "sender keys only")]
    [InlineData("sender", "0x70997970C51812dc3A010C7d01b50e0d17dc79c8", "checksum")]
    public async Task Create_rejects_bad_roles_and_allow_lists(string role, string? allow, string expected)
    {
        var cs = $"Data Source={Path.Combine(_dir, "wallet.db")}";
        string[] args = allow is null
            ? ["api-keys", "create", "--role", role, "--connection-string", cs]
            : ["api-keys", "create", "--role", role, "--allow", allow, "--connection-string", cs];
        var (code, output, err) = await Run(args);
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Contains(expected, err, StringComparison.Ordinal);
    }
}
