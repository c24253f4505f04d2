using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using WalletGrains.Ethereum.Hex;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Cli;

/// <summary>
/// The CLI's transaction JSON (DESIGN.md §9): numbers as decimal strings, <c>type</c> 0/1/2, <c>r</c>
/// and <c>s</c> as 32-byte hex, addresses EIP-55, <c>to</c> null for creation, fields a type does not
/// have as null, <c>accessList</c> null for type 0.
/// </summary>
internal static class TxJson
{
    private static readonly HashSet<string> KnownFields =
    [
        "type", "chainId", "nonce", "to", "value", "data", "gasLimit", "gasPrice", "maxFeePerGas",
        "maxPriorityFeePerGas", "accessList",
        // Output-only fields of `tx decode`, ignored on input so a decoded transaction can be re-signed.
        "v", "r", "s", "from", "hash",
    ];

    public static JsonObject Describe(SignedTransaction signed)
    {
        var tx = signed.Transaction;
        var json = new JsonObject
        {
            ["type"] = (int)tx.Type,
            ["chainId"] = tx.ChainId.ToString(CultureInfo.InvariantCulture),
            ["nonce"] = tx.Nonce.ToString(CultureInfo.InvariantCulture),
            ["to"] = tx.To?.ToChecksumString(),
            ["value"] = tx.Value.ToString(),
            ["data"] = HexConvert.ToHex(tx.Data.Span),
            ["gasLimit"] = tx.GasLimit.ToString(CultureInfo.InvariantCulture),
            ["gasPrice"] = null,
            ["maxFeePerGas"] = null,
            ["maxPriorityFeePerGas"] = null,
            ["accessList"] = null,
        };
        switch (tx)
        {
            case LegacyTransaction legacy:
                json["gasPrice"] = legacy.GasPrice.ToString();
                break;
            case Eip2930Transaction eip2930:
                json["gasPrice"] = eip2930.GasPrice.ToString();
                json["accessList"] = DescribeAccessList(eip2930.AccessList);
                break;
            case Eip1559Transaction eip1559:
                json["maxFeePerGas"] = eip1559.MaxFeePerGas.ToString();
                json["maxPriorityFeePerGas"] = eip1559.MaxPriorityFeePerGas.ToString();
                json["accessList"] = DescribeAccessList(eip1559.AccessList);
                break;
        }

        json["v"] = signed.V.ToString();
        json["r"] = HexConvert.ToHex(signed.Signature.R.ToBigEndian32());
        json["s"] = HexConvert.ToHex(signed.Signature.S.ToBigEndian32());
        json["from"] = signed.From.ToChecksumString();
        json["hash"] = signed.HashHex;
        return json;
    }

    private static JsonArray DescribeAccessList(IReadOnlyList<AccessListEntry> list)
    {
        var array = new JsonArray();
        foreach (var entry in list)
        {
            var keys = new JsonArray();
            foreach (var key in entry.StorageKeys)
            {
                keys.Add(key.ToHex());
            }

            array.Add(new JsonObject { ["address"] = entry.Address.ToChecksumString(), ["storageKeys"] = keys });
        }

        return array;
    }

    /// <summary>Reads an unsigned transaction; every problem is a <see cref="CliException"/> naming the field.</summary>
    public static Transaction ParseUnsigned(string text)
    {
        JsonObject obj;
        try
        {
            obj = JsonNode.Parse(text) as JsonObject ?? throw new CliException("the unsigned transaction must be a JSON object");
        }
        catch (JsonException e)
        {
            throw new CliException($"malformed JSON: {e.Message}");
        }

        foreach (var (name, _) in obj)
        {
            if (!KnownFields.Contains(name))
            {
                throw new CliException($"unknown field '{name}'");
            }
        }

        var type = (int)ReadULong(obj, "type", required: true);
        var common = (
            ChainId: ReadULong(obj, "chainId", required: type != 0),
            Nonce: ReadULong(obj, "nonce", required: true),
            GasLimit: ReadULong(obj, "gasLimit", required: true),
            To: ReadTo(obj),
            Value: ReadUInt256(obj, "value") ?? UInt256.Zero,
            Data: ReadData(obj));
        switch (type)
        {
            case 0:
                RejectPresent(obj, type, "maxFeePerGas", "maxPriorityFeePerGas", "accessList");
                return new LegacyTransaction
                {
                    ChainId = common.ChainId, Nonce = common.Nonce, GasLimit = common.GasLimit, To = common.To,
                    Value = common.Value, Data = common.Data, GasPrice = Require(obj, "gasPrice"),
                };
            case 1:
                RejectPresent(obj, type, "maxFeePerGas", "maxPriorityFeePerGas");
                return new Eip2930Transaction
                {
                    ChainId = common.ChainId, Nonce = common.Nonce, GasLimit = common.GasLimit, To = common.To,
                    Value = common.Value, Data = common.Data, GasPrice = Require(obj, "gasPrice"),
                    AccessList = ReadAccessList(obj),
                };
            case 2:
                RejectPresent(obj, type, "gasPrice");
                return new Eip1559Transaction
                {
                    ChainId = common.ChainId, Nonce = common.Nonce, GasLimit = common.GasLimit, To = common.To,
                    Value = common.Value, Data = common.Data, MaxFeePerGas = Require(obj, "maxFeePerGas"),
                    MaxPriorityFeePerGas = Require(obj, "maxPriorityFeePerGas"), AccessList = ReadAccessList(obj),
                };
            default:
                throw new CliException($"type {type} is not supported (0 legacy EIP-155, 1 EIP-2930, 2 EIP-1559)");
        }
    }

    private static void RejectPresent(JsonObject obj, int type, params string[] names)
    {
        foreach (var name in names)
        {
            if (obj[name] is not null)
            {
                throw new CliException($"'{name}' does not belong to a type {type} transaction");
            }
        }
    }

    private static UInt256 Require(JsonObject obj, string name) =>
        ReadUInt256(obj, name) ?? throw new CliException($"'{name}' is required");

    private static UInt256? ReadUInt256(JsonObject obj, string name)
    {
        var node = obj[name];
        if (node is null)
        {
            return null;
        }

        var text = node.GetValueKind() switch
        {
            JsonValueKind.String => node.GetValue<string>(),
            JsonValueKind.Number => node.ToJsonString(),
            _ => throw new CliException($"'{name}' must be a decimal string, 0x-hex string or number"),
        };
        return UInt256.TryParse(text, out var value)
            ? value
            : throw new CliException($"'{name}' = '{text}' is not an unsigned integer below 2^256");
    }

    private static ulong ReadULong(JsonObject obj, string name, bool required)
    {
        var value = ReadUInt256(obj, name);
        if (value is null)
        {
            return required ? throw new CliException($"'{name}' is required") : 0UL;
        }

        return value.Value.FitsInUInt64 ? value.Value.ToUInt64() : throw new CliException($"'{name}' = {value} does not fit in 64 bits");
    }

    private static Address? ReadTo(JsonObject obj)
    {
        var node = obj["to"];
        if (node is null)
        {
            return null;
        }

        var text = node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : throw new CliException("'to' must be an address string or null");
        return Address.TryParse(text, out var address, out var error) ? address : throw new CliException($"'to': {error}");
    }

    private static byte[] ReadData(JsonObject obj)
    {
        var node = obj["data"];
        if (node is null)
        {
            return [];
        }

        var text = node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : throw new CliException("'data' must be a 0x-hex string");
        return HexConvert.TryFromHex(text, out var bytes) ? bytes : throw new CliException($"'data' is not valid hex: '{text}'");
    }

    private static List<AccessListEntry> ReadAccessList(JsonObject obj)
    {
        var list = new List<AccessListEntry>();
        if (obj["accessList"] is not JsonArray array)
        {
            return obj["accessList"] is null ? list : throw new CliException("'accessList' must be an array");
        }

        foreach (var item in array)
        {
            if (item is not JsonObject entry || entry["address"] is not JsonValue addressNode || !addressNode.TryGetValue<string>(out var addressText))
            {
                throw new CliException("each accessList entry needs an 'address'");
            }

            if (!Address.TryParse(addressText, out var address, out var error))
            {
                throw new CliException($"accessList address: {error}");
            }

            var keys = new List<Bytes32>();
            if (entry["storageKeys"] is JsonArray keyArray)
            {
                foreach (var key in keyArray)
                {
                    keys.Add(key is JsonValue kv && kv.TryGetValue<string>(out var keyText) && Bytes32.TryParse(keyText, out var parsed)
                        ? parsed
                        : throw new CliException($"accessList storage key '{key}' is not 32-byte hex"));
                }
            }

            list.Add(new AccessListEntry(address, keys));
        }

        return list;
    }
}
