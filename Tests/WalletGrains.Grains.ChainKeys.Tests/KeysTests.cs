using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WalletGrains.Ethereum.Keys;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains.Chains;
using WalletGrains.Grains.Keys;
using WalletGrains.Testing;

namespace WalletGrains.Grains.Tests;

public sealed class KeysTests : IDisposable
{
    private static readonly IReadOnlyList<AnvilAccount> Dev = AnvilAccount.Dev;
    private readonly string _dir = Directory.CreateTempSubdirectory("walletgrains-keys-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Raw_keys_sign_hashes_that_recover_to_their_addresses()
    {
        // With and without 0x, upper-case hex and surrounding spaces are all the same key.
        var texts = Dev.Take(3).Select((a, i) => i switch
        {
            0 => a.PrivateKey,
            1 => a.PrivateKey[2..],
            _ => "  " + a.PrivateKey.ToUpperInvariant().Replace("0X", "0x", StringComparison.Ordinal) + " ",
        }).ToList();
        using var store = new RawKeyStore(texts);

        Assert.Equal(Dev.Take(3).Select(a => Address.Parse(a.Address)), store.Addresses);
        foreach (var account in Dev.Take(3))
        {
            var address = Address.Parse(account.Address);
            Assert.True(store.Contains(address));
            var hash = KeysRecovery.RandomHash();
            var pending = store.SignHashAsync(address, hash, TestContext.Current.CancellationToken);
            Assert.True(pending.IsCompletedSuccessfully, "Local signing completes synchronously.");
            Assert.Equal(address, KeysRecovery.Recover(hash, await pending));
        }
    }

    [Fact]
    public void Raw_key_store_warns_at_start_that_raw_keys_are_for_development_without_logging_keys()
    {
        using var logs = new ListLoggerProvider();
        using var factory = logs.CreateFactory();
        using var store = new RawKeyStore([Dev[0].PrivateKey], factory.CreateLogger<RawKeyStore>());

        var warning = Assert.Single(logs.Lines, l => l.Level == LogLevel.Warning);
        Assert.Equal(3100, warning.EventId.Id);
        Assert.Contains("production", warning.Message, StringComparison.Ordinal);
        Assert.Contains("keystore", warning.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("KMS", warning.Message, StringComparison.Ordinal);
        AssertNoKeyText(logs.Lines.Select(l => l.Message), Dev[0]);
    }

    public static TheoryData<string, string> BadRawKeys()
    {
        var key = Dev[0].PrivateKey[2..];
        return new TheoryData<string, string>
        {
            { key[..63], "64 hex digits" },
            { key + "00", "64 hex digits" },
            { key[..62] + "zz", "not a hex digit" },
            { new string('0', 64), "[1, n-1]" },
            // n, the group order: one past the largest valid key.
            { "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", "[1, n-1]" },
            { "", "64 hex digits" },
        };
    }

    [Theory]
    [MemberData(nameof(BadRawKeys))]
    public void Bad_raw_keys_fail_naming_the_entry_but_never_the_key(string bad, string reason)
    {
        var error = Assert.Throws<KeyStoreLoadException>(() => new RawKeyStore([Dev[1].PrivateKey, bad]));

        var problem = Assert.Single(error.Problems);
        Assert.StartsWith("Wallet:Signers:Keys:1:", problem, StringComparison.Ordinal);
        Assert.Contains(reason, problem, StringComparison.Ordinal);
        if (bad.Length > 0)
        {
            Assert.DoesNotContain(bad, error.ToString(), StringComparison.OrdinalIgnoreCase);
        }

        AssertNoKeyText([error.ToString()], Dev[1]);
    }

    [Fact]
    public async Task Mnemonic_store_holds_the_dev_accounts_of_the_bip39_vectors()
    {
        using var store = new MnemonicKeyStore(AnvilAccount.DevMnemonic, Dev.Count);

        Assert.Equal(Dev.Select(a => Address.Parse(a.Address)), store.Addresses);
        foreach (var account in Dev)
        {
            var address = Address.Parse(account.Address);
            var hash = KeysRecovery.RandomHash();
            Assert.Equal(address, KeysRecovery.Recover(hash, await store.SignHashAsync(address, hash, TestContext.Current.CancellationToken)));
        }
    }

    [Fact]
    public void A_bad_mnemonic_fails_without_showing_its_words()
    {
        var words = AnvilAccount.DevMnemonic.Replace("junk", "zzzz", StringComparison.Ordinal);

        var error = Assert.Throws<KeyStoreLoadException>(() => new MnemonicKeyStore(words, 3));

        Assert.Contains("Word 12", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("zzzz", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("test test", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keystore_directory_decrypts_every_file_with_the_password_file()
    {
        var password = WritePasswordFile("correct horse battery staple\nsecond line is ignored\n");
        var dir = WriteKeystores(password: "correct horse battery staple", Dev[3], Dev[4]);

        using var store = new KeystoreDirectoryKeyStore(dir, password);

        Assert.Equal(
            new[] { Dev[3], Dev[4] }.Select(a => Address.Parse(a.Address)).OrderBy(a => a.ToLowerHex(), StringComparer.Ordinal),
            store.Addresses.OrderBy(a => a.ToLowerHex(), StringComparer.Ordinal));
        foreach (var address in store.Addresses)
        {
            var hash = KeysRecovery.RandomHash();
            Assert.Equal(address, KeysRecovery.Recover(hash, await store.SignHashAsync(address, hash, TestContext.Current.CancellationToken)));
        }
    }

    [Fact]
    public void A_keystore_file_that_fails_names_the_file_and_reason_and_fails_loading()
    {
        var password = WritePasswordFile("pw");
        var dir = WriteKeystores(password: "pw", Dev[5]);
        File.WriteAllText(Path.Combine(dir, "other-password.json"), KeystoreV3.Encrypt(Convert.FromHexString(Dev[6].PrivateKey[2..]), "not pw", KeystoreV3Options.InsecureFastForTests));
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "not a keystore");

        var error = Assert.Throws<KeyStoreLoadException>(() => new KeystoreDirectoryKeyStore(dir, password));

        Assert.Equal(2, error.Problems.Count);
        Assert.Contains(error.Problems, p => p.StartsWith("other-password.json: WrongPassword", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("notes.txt: Malformed", StringComparison.Ordinal));
        AssertNoKeyText([error.ToString()], Dev[5]);
        AssertNoKeyText([error.ToString()], Dev[6]);
    }

    [Fact]
    public void An_empty_keystore_directory_or_a_missing_password_file_fails_loading()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_dir, "empty")).FullName;
        var password = WritePasswordFile("pw");

        var none = Assert.Throws<KeyStoreLoadException>(() => new KeystoreDirectoryKeyStore(empty, password));
        Assert.Contains("contains no keystore files", none.Message, StringComparison.Ordinal);

        var dir = WriteKeystores("pw", Dev[7]);
        var missing = Assert.Throws<KeyStoreLoadException>(() => new KeystoreDirectoryKeyStore(dir, Path.Combine(_dir, "no-such-file")));
        Assert.Contains("KeystorePasswordFile", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_addresses_throw_KeyNotFoundException_from_every_store()
    {
        var stranger = Address.Parse(Dev[9].Address);
        var hash = KeysRecovery.RandomHash();
        var ct = TestContext.Current.CancellationToken;
        using var raw = new RawKeyStore([Dev[0].PrivateKey]);
        using var mnemonic = new MnemonicKeyStore(AnvilAccount.DevMnemonic, 2);
        using var composite = new CompositeKeyStore([new RawKeyStore([Dev[2].PrivateKey])]);

        foreach (var store in new IKeyStore[] { raw, mnemonic, composite })
        {
            Assert.False(store.Contains(stranger));
            var error = await Assert.ThrowsAsync<KeyNotFoundException>(async () => await store.SignHashAsync(stranger, hash, ct));
            Assert.Contains(stranger.ToString(), error.Message, StringComparison.Ordinal);
            AssertNoKeyText([error.ToString(), store.ToString()!], Dev[0]);
            AssertNoKeyText([error.ToString(), store.ToString()!], Dev[2]);
        }
    }

    [Fact]
    public async Task Composite_routes_each_address_and_the_first_source_wins_a_duplicate()
    {
        using var logs = new ListLoggerProvider();
        using var factory = logs.CreateFactory();
        // Dev account 1 is both a raw key and mnemonic account 1.
        using var store = new CompositeKeyStore(
            [new MnemonicKeyStore(AnvilAccount.DevMnemonic, 2), new RawKeyStore([Dev[1].PrivateKey, Dev[8].PrivateKey])],
            factory.CreateLogger<CompositeKeyStore>());

        Assert.Equal(new[] { Dev[0], Dev[1], Dev[8] }.Select(a => Address.Parse(a.Address)), store.Addresses);
        var duplicate = Assert.Single(logs.Lines, l => l.EventId.Id == 3102);
        Assert.Contains(Address.Parse(Dev[1].Address).ToString(), duplicate.Message, StringComparison.Ordinal);
        foreach (var address in store.Addresses)
        {
            var hash = KeysRecovery.RandomHash();
            Assert.Equal(address, KeysRecovery.Recover(hash, await store.SignHashAsync(address, hash, TestContext.Current.CancellationToken)));
        }
    }

    [Fact]
    public void Every_signature_recovers_to_the_signer_and_is_low_s()
    {
        using var store = new RawKeyStore([Dev[0].PrivateKey]);
        var address = Address.Parse(Dev[0].Address);
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), seed =>
        {
            var hash = Bytes32.FromBytes(System.Security.Cryptography.SHA256.HashData(seed));
            var pending = store.SignHashAsync(address, hash);
            if (!pending.IsCompletedSuccessfully)
            {
                return false;
            }

            var signature = pending.Result;
            return signature.Problem() is null && KeysRecovery.Recover(hash, signature) == address;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public async Task A_disposed_store_refuses_to_sign()
    {
        var store = new RawKeyStore([Dev[0].PrivateKey]);
        store.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () =>
            await store.SignHashAsync(Address.Parse(Dev[0].Address), KeysRecovery.RandomHash(), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task AddWalletKeyStore_combines_every_configured_source()
    {
        var password = WritePasswordFile("pw");
        var dir = WriteKeystores("pw", Dev[6]);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Wallet:Signers:Keys:0"] = Dev[9].PrivateKey,
            ["Wallet:Signers:Mnemonic"] = AnvilAccount.DevMnemonic,
            ["Wallet:Signers:MnemonicCount"] = "2",
            ["Wallet:Signers:KeystoreDir"] = dir,
            ["Wallet:Signers:KeystorePasswordFile"] = password,
        }).Build();
        var services = new ServiceCollection().AddLogging().AddWalletKeyStore(configuration);
        await using var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<IKeyStore>();

        // Keystore files first, then mnemonic accounts, then raw keys.
        Assert.Equal(new[] { Dev[6], Dev[0], Dev[1], Dev[9] }.Select(a => Address.Parse(a.Address)), store.Addresses);
    }

    [Fact]
    public async Task A_bad_keystore_file_stops_the_host_at_start()
    {
        var password = WritePasswordFile("pw");
        var dir = WriteKeystores("pw", Dev[2]);
        File.WriteAllText(Path.Combine(dir, "UTC--broken"), "{\"version\":3}");
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Wallet:Signers:KeystoreDir"] = dir,
            ["Wallet:Signers:KeystorePasswordFile"] = password,
        });
        builder.Services.AddWalletKeyStore(builder.Configuration);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<KeyStoreLoadException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        var problem = Assert.Single(error.Problems);
        Assert.StartsWith("UTC--broken: Malformed", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_keystore_directory_without_a_password_file_fails_options_validation_at_start()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddWalletKeyStore(new WalletOptions { Signers = new SignerOptions { KeystoreDir = "some/keys" } });
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("'some/keys'", error.Message, StringComparison.Ordinal);
        Assert.Contains("KeystorePasswordFile", error.Message, StringComparison.Ordinal);
    }

    private static void AssertNoKeyText(IEnumerable<string> texts, AnvilAccount account)
    {
        var hex = account.PrivateKey[2..];
        foreach (var text in texts)
        {
            // Any 16-digit run of the key would be a leak.
            for (var i = 0; i + 16 <= hex.Length; i += 8)
            {
                Assert.DoesNotContain(hex.Substring(i, 16), text, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    private string WritePasswordFile(string content)
    {
        var path = Path.Combine(_dir, $"password-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, content);
        return path;
    }

    private string WriteKeystores(string password, params AnvilAccount[] accounts)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_dir, $"keystores-{Guid.NewGuid():N}")).FullName;
        foreach (var account in accounts)
        {
            var json = KeystoreV3.Encrypt(Convert.FromHexString(account.PrivateKey[2..]), password, KeystoreV3Options.InsecureFastForTests);
            File.WriteAllText(Path.Combine(dir, $"UTC--{account.Index}--{account.Address[2..].ToLowerInvariant()}"), json);
        }

        // A hidden file is not a keystore candidate.
        File.WriteAllText(Path.Combine(dir, ".DS_Store"), "x");
        return dir;
    }
}
