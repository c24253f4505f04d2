using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using WalletGrains.Ethereum.Hex;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Balances.Tests.Infrastructure;

/// <summary>
/// An in-process JSON-RPC node for grain unit tests: a settable head, balances per address and per (token, owner), no
/// code anywhere (so the grain takes the eth_getBalance/eth_call fallback), and a token that reverts. Counts requests
/// per method. Serves single requests and batches.
/// </summary>
public sealed class StubChain : HttpMessageHandler
{
    public const ulong Id = 777;

    private readonly ConcurrentDictionary<Address, UInt256> _native = new();
    private readonly ConcurrentDictionary<(Address Token, Address Owner), UInt256> _tokens = new();
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);
    private long _head;

    /// <summary>A token contract whose balanceOf reverts.</summary>
    public Address RevertingToken { get; } = Address.Parse("0x00000000000000000000000000000000000000bd");

    public ulong Head
    {
        get => (ulong)Interlocked.Read(ref _head);
        set => Interlocked.Exchange(ref _head, (long)value);
    }

    /// <summary>When set, every request fails at the transport (the node is down).</summary>
    public bool Down { get; set; }

    public void SetNative(Address owner, UInt256 value) => _native[owner] = value;

    public void SetToken(Address token, Address owner, UInt256 value) => _tokens[(token, owner)] = value;

    public int Count(string method) => _calls.GetValueOrDefault(method);

#pragma warning disable CA2215 // Dispose methods should call base class dispose
    /// <summary>Shared by the HTTP clients of several registries (silo restarts): disposing a client leaves it usable.</summary>
    protected override void Dispose(bool disposing)
    {
        // Deliberately not base.Dispose: the stub holds nothing to release, and a later client still sends through it.
    }
#pragma warning restore CA2215

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Down)
        {
            throw new HttpRequestException("The stub chain is down.");
        }

        var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!;
        JsonNode answer = body is JsonArray batch
            ? new JsonArray([.. batch.Select(r => Answer(r!.AsObject()))])
            : Answer(body.AsObject());
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(answer.ToJsonString(), Encoding.UTF8, "application/json") };
    }

    private JsonObject Answer(JsonObject request)
    {
        var method = (string)request["method"]!;
        _calls.AddOrUpdate(method, 1, (_, n) => n + 1);
        var parameters = request["params"]!.AsArray();
        JsonNode? result;
        switch (method)
        {
            case "eth_chainId":
                result = Quantity(Id);
                break;
            case "eth_blockNumber":
                result = Quantity(Head);
                break;
            case "eth_getCode":
                result = "0x";
                break;
            case "eth_getBalance":
                result = _native.GetValueOrDefault(Address.Parse((string)parameters[0]!)).ToHexQuantity();
                break;
            case "eth_call":
                var call = parameters[0]!.AsObject();
                var token = Address.Parse((string)call["to"]!);
                if (token == RevertingToken)
                {
                    return Error(request, 3, "execution reverted");
                }

                var data = HexConvert.FromHex((string)call["data"]!);
                var owner = Address.FromBytes(data.AsSpan(4 + 12, 20));
                result = HexConvert.ToHex(_tokens.GetValueOrDefault((token, owner)).ToBigEndian32());
                break;
            default:
                return Error(request, -32601, $"method {method} not found");
        }

        return new JsonObject { ["jsonrpc"] = "2.0", ["id"] = request["id"]!.DeepClone(), ["result"] = result };
    }

    private static JsonObject Error(JsonObject request, int code, string message) =>
        new() { ["jsonrpc"] = "2.0", ["id"] = request["id"]!.DeepClone(), ["error"] = new JsonObject { ["code"] = code, ["message"] = message } };

    private static string Quantity(ulong value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);
}
