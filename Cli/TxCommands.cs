using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using WalletGrains.Ethereum.Hex;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Signing;

namespace WalletGrains.Cli;

/// <summary><c>wallet tx decode</c> and <c>wallet tx sign</c>.</summary>
internal static class TxCommands
{
    public static Command Create(CliIo io)
    {
        var rawArg = new Argument<string>("raw") { Description = "signed transaction as 0x-hex; - reads one per stdin line" };
        var decode = new Command("decode", "Decode a signed transaction and recover its sender") { rawArg };
        decode.SetAction(parse => io.Run(parse.GetValue(rawArg)!, Decode));

        var keyOption = new Option<string>("--key") { Description = "private key as 0x-hex, or @file holding it", Required = true };
        var unsignedArg = new Argument<string>("unsigned") { Description = "unsigned transaction JSON (decode's field names); - reads one per stdin line" };
        var sign = new Command("sign", "Sign an unsigned transaction: prints {raw, hash, from}") { keyOption, unsignedArg };
        sign.SetAction(parse =>
        {
            var key = ReadKey(parse.GetValue(keyOption)!);
            try
            {
                return io.Run(parse.GetValue(unsignedArg)!, json => Sign(json, key));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(key);
            }
        });

        return new Command("tx", "Encode, decode and sign transactions") { decode, sign };
    }

    internal static JsonNode Decode(string rawHex)
    {
        if (!HexConvert.TryFromHex(rawHex, out var raw))
        {
            throw new CliException($"'{(rawHex.Length > 40 ? rawHex[..40] + "..." : rawHex)}' is not valid hex");
        }

        return TransactionDecoder.TryDecode(raw, null, out var signed, out var error)
            ? TxJson.Describe(signed)
            : throw new CliException($"{error.Layer}: {error.Message}");
    }

    internal static JsonNode Sign(string unsignedJson, byte[] key)
    {
        var tx = TxJson.ParseUnsigned(unsignedJson);
        var signed = TransactionSigner.Sign(tx, key);
        return new JsonObject
        {
            ["raw"] = signed.RawHex,
            ["hash"] = signed.HashHex,
            ["from"] = signed.From.ToChecksumString(),
        };
    }

    /// <summary>A key given inline or as @file; never echoed in errors.</summary>
    internal static byte[] ReadKey(string spec)
    {
        var text = spec.StartsWith('@') ? ReadKeyFile(spec[1..]) : spec;
        if (!HexConvert.TryFromHex(text.Trim(), out var key) || key.Length != 32 || !WalletGrains.Ethereum.Crypto.Secp256k1.IsValidPrivateKey(key))
        {
            throw new CliException("--key must be a 32-byte secp256k1 private key in hex (inline or @file)");
        }

        return key;
    }

    private static string ReadKeyFile(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read key file '{path}': {e.Message}");
        }
    }
}
