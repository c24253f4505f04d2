using System.Text.Json.Nodes;
using WalletGrains.Testing;

namespace WalletGrains.Cli.Tests;

public sealed class KeysCliTests : IDisposable
{
    private const string DevMnemonic = "test test test test test test test test test test test junk";
    private readonly string _dir = Directory.CreateTempSubdirectory("wallet-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Code, string Out, string Err)> Run(string stdin, params string[] args)
    {
        using var input = new StringReader(stdin);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await WalletCli.RunAsync(args, input, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Derive_gives_the_dev_accounts_of_the_vectors()
    {
        var expected = JsonNode.Parse(File.ReadAllText(RepoPaths.Vector("bip39.json")))!["dev_mnemonic"]!["accounts"]!.AsArray();
        var (code, output, err) = await Run("", "keys", "derive", "--mnemonic", DevMnemonic, "--count", "10", "--show-private");
        Assert.True(code == 0, err);
        var accounts = JsonNode.Parse(output)!.AsArray();
        Assert.Equal(10, accounts.Count);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal((string)expected[i]!["address"]!, (string)accounts[i]!["address"]!);
            Assert.Equal((string)expected[i]!["private_key"]!, (string)accounts[i]!["privateKey"]!);
            Assert.Equal((string)expected[i]!["path"]!, (string)accounts[i]!["path"]!);
        }

        var (_, withoutKeys, _) = await Run("", "keys", "derive", "--mnemonic", DevMnemonic, "--count", "2");
        Assert.DoesNotContain("privateKey", withoutKeys, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Derive_rejects_a_bad_mnemonic_and_batches_from_stdin()
    {
        var (code, _, err) = await Run("", "keys", "derive", "--mnemonic", "test test test test test test test test test test test test");
        Assert.Equal(1, code);
        Assert.Contains("mnemonic", err, StringComparison.Ordinal);

        var (batchCode, output, _) = await Run(DevMnemonic + "\nnot a mnemonic\n", "keys", "derive", "--mnemonic", "-");
        Assert.Equal(0, batchCode);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", (string)JsonNode.Parse(lines[0])!.AsArray()[0]!["address"]!);
        Assert.NotNull(JsonNode.Parse(lines[1])!["error"]);
    }

    [Fact]
    public async Task New_then_inspect_round_trips_and_never_overwrites()
    {
        var password = Path.Combine(_dir, "password");
        await File.WriteAllTextAsync(password, "correct horse\n", TestContext.Current.CancellationToken);
        var file = Path.Combine(_dir, "key.json");

        var (code, output, err) = await Run("", "keys", "new", "--out", file, "--password-file", password, "--scrypt-n", "1024");
        Assert.True(code == 0, err);
        var created = JsonNode.Parse(output)!;

        var (inspectCode, inspected, inspectErr) = await Run("", "keys", "inspect", file, "--password-file", password);
        Assert.True(inspectCode == 0, inspectErr);
        Assert.Equal((string)created["address"]!, (string)JsonNode.Parse(inspected)!["address"]!);
        Assert.Equal(1024, (long)JsonNode.Parse(inspected)!["scryptN"]!);

        var (againCode, _, againErr) = await Run("", "keys", "new", "--out", file, "--password-file", password, "--scrypt-n", "1024");
        Assert.Equal(1, againCode);
        Assert.Contains("cannot create", againErr, StringComparison.Ordinal);

        var wrong = Path.Combine(_dir, "wrong");
        await File.WriteAllTextAsync(wrong, "battery staple", TestContext.Current.CancellationToken);
        var (wrongCode, _, wrongErr) = await Run("", "keys", "inspect", file, "--password-file", wrong);
        Assert.Equal(1, wrongCode);
        Assert.Contains("password", wrongErr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Inspect_opens_the_geth_style_vector_keystores()
    {
        var cases = JsonNode.Parse(File.ReadAllText(RepoPaths.Vector("keystore.json")))!["cases"]!.AsArray();
        var chosen = cases.Where(c => (string)c!["name"]! is "test1" or "geth_31_byte_key" or "ethers_scrypt_n1024").ToList();
        Assert.Equal(3, chosen.Count);
        foreach (var c in chosen)
        {
            var file = Path.Combine(_dir, (string)c!["name"]! + ".json");
            var password = Path.Combine(_dir, (string)c["name"]! + ".pw");
            await File.WriteAllTextAsync(file, c["keystore"]!.ToJsonString(), TestContext.Current.CancellationToken);
            await File.WriteAllTextAsync(password, (string)c["password"]!, TestContext.Current.CancellationToken);
            var (code, output, err) = await Run("", "keys", "inspect", file, "--password-file", password, "--show-private");
            Assert.True(code == 0, err);
            Assert.Equal((string)c["address"]!, (string)JsonNode.Parse(output)!["address"]!);
            Assert.Equal((string)c["private_key"]!, (string)JsonNode.Parse(output)!["privateKey"]!);
        }
    }
}
