using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using WalletGrains.Ethereum.Hex;
using WalletGrains.Ethereum.Keys;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Cli;

/// <summary><c>wallet keys derive|new|inspect</c>: HD accounts (BIP-39/44) and keystore v3 files.</summary>
internal static class KeysCommands
{
    public static Command Create(CliIo io) => new("keys", "HD key derivation and keystore v3 files") { Derive(io), New(io), Inspect(io) };

    private static Command Derive(CliIo io)
    {
        var mnemonic = new Option<string>("--mnemonic")
        {
            Description = "BIP-39 English mnemonic, @file holding it, or - to read one mnemonic per stdin line (a phrase on the command line is visible to other local users)",
            Required = true,
        };
        var count = new Option<int>("--count") { Description = "number of accounts", DefaultValueFactory = _ => 1 };
        var start = new Option<uint>("--start") { Description = "first account index", DefaultValueFactory = _ => 0 };
        var passphrase = new Option<string>("--passphrase") { Description = "BIP-39 passphrase (the \"25th word\")", DefaultValueFactory = _ => "" };
        var showPrivate = new Option<bool>("--show-private") { Description = "also print private keys" };
        var command = new Command("derive", "Addresses at m/44'/60'/0'/0/i") { mnemonic, count, start, passphrase, showPrivate };
        command.SetAction(parse =>
        {
            var n = parse.GetValue(count);
            if (n is < 1 or > 10_000)
            {
                throw new CliException($"--count must be between 1 and 10000, got {n}");
            }

            var spec = parse.GetValue(mnemonic)!;
            var input = spec.StartsWith('@') ? ReadFile(spec[1..]).Trim() : spec;
            return io.Run(input, phrase => DeriveAccounts(phrase, n, parse.GetValue(start), parse.GetValue(passphrase)!, parse.GetValue(showPrivate)));
        });
        return command;
    }

    internal static JsonNode DeriveAccounts(string phrase, int count, uint start, string passphrase, bool showPrivate)
    {
        if (!Bip39Mnemonic.TryParse(phrase, out var mnemonic, out var error))
        {
            throw new CliException($"invalid mnemonic: {error.Message}");
        }

        var result = new JsonArray();
        foreach (var account in Bip44.DeriveEthereumAccounts(mnemonic, count, start, passphrase))
        {
            using (account)
            {
                var item = new JsonObject
                {
                    ["index"] = account.Index,
                    ["path"] = account.Path.ToString(),
                    ["address"] = account.Address.ToChecksumString(),
                };
                if (showPrivate)
                {
                    item["privateKey"] = HexConvert.ToHex(account.PrivateKey);
                }

                result.Add(item);
            }
        }

        return result;
    }

    private static Command New(CliIo io)
    {
        var output = new Option<string>("--out") { Description = "keystore file to create (never overwritten)", Required = true };
        var passwordFile = new Option<string>("--password-file") { Description = "file whose first line is the password", Required = true };
        var scryptN = new Option<long>("--scrypt-n") { Description = "scrypt cost N (power of two)", DefaultValueFactory = _ => KeystoreV3Options.Standard.ScryptN };
        var command = new Command("new", "Create a new random key in a keystore v3 (scrypt) file") { output, passwordFile, scryptN };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(output)!;
            var password = ReadPassword(parse.GetValue(passwordFile)!);
            var key = PrivateKeyGenerator.Generate();
            try
            {
                var json = KeystoreV3.Encrypt(key, password, KeystoreV3Options.Standard with { ScryptN = parse.GetValue(scryptN) });
                try
                {
                    using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
                    using var writer = new StreamWriter(stream);
                    writer.Write(json);
                }
                catch (IOException e)
                {
                    throw new CliException($"cannot create '{path}': {e.Message}");
                }

                return io.Run(path, _ => new JsonObject { ["address"] = Address.FromPrivateKey(key).ToChecksumString(), ["file"] = path });
            }
            finally
            {
                CryptographicOperations.ZeroMemory(key);
            }
        });
        return command;
    }

    private static Command Inspect(CliIo io)
    {
        var file = new Argument<string>("file") { Description = "keystore v3 file; - reads one path per stdin line" };
        var passwordFile = new Option<string>("--password-file") { Description = "file whose first line is the password", Required = true };
        var showPrivate = new Option<bool>("--show-private") { Description = "also print the private key" };
        var command = new Command("inspect", "Decrypt a keystore v3 file and print its address and parameters") { file, passwordFile, showPrivate };
        command.SetAction(parse =>
        {
            var password = ReadPassword(parse.GetValue(passwordFile)!);
            return io.Run(parse.GetValue(file)!, path => InspectFile(path, password, parse.GetValue(showPrivate)));
        });
        return command;
    }

    internal static JsonNode InspectFile(string path, string password, bool showPrivate)
    {
        var json = ReadFile(path);
        if (!KeystoreV3.TryInspect(json, out var info, out var inspectError))
        {
            throw new CliException($"'{path}': {inspectError.Message}");
        }

        if (!KeystoreV3.TryDecrypt(json, System.Text.Encoding.UTF8.GetBytes(password), out var key, out var error))
        {
            throw new CliException($"'{path}': {error.Message}");
        }

        try
        {
            var result = new JsonObject
            {
                ["address"] = Address.FromPrivateKey(key).ToChecksumString(),
                ["id"] = info.Id,
                ["kdf"] = info.Kdf,
                ["cipher"] = info.Cipher,
                ["scryptN"] = info.ScryptN,
                ["scryptR"] = info.ScryptR,
                ["scryptP"] = info.ScryptP,
                ["pbkdf2Iterations"] = info.Pbkdf2Iterations,
            };
            if (showPrivate)
            {
                result["privateKey"] = HexConvert.ToHex(key);
            }

            return result;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>The first line of a password file, without its line ending (as geth reads them).</summary>
    internal static string ReadPassword(string path)
    {
        var text = ReadFile(path);
        var end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }

    private static string ReadFile(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read '{path}': {e.Message}");
        }
    }
}
