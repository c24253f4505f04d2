using System.Net;
using System.Text.Json;
using WalletGrains.Ethereum.Crypto;
using WalletGrains.Ethereum.Hex;

namespace WalletGrains.Bench.Send;

/// <summary>
/// A JSON-RPC "node" answered inside the silo's HTTP transport, with no network and no EVM: every
/// account is rich, every transfer needs 21000 gas, every broadcast is accepted and nothing is ever
/// mined. With <c>--instant-chain</c> the benchmark shows what the silo itself can accept when the
/// chain costs nothing — the ceiling the real node's latency is taken from.
/// </summary>
internal sealed class InstantChain(ulong chainId) : HttpMessageHandler
{
    private const string Gwei = "0x3b9aca00";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        using var document = JsonDocument.Parse(body);
        using var output = new MemoryStream();
        await using (var writer = new Utf8JsonWriter(output))
        {
            if (document.RootElement.ValueKind == JsonValueKind.Array)
            {
                writer.WriteStartArray();
                foreach (var call in document.RootElement.EnumerateArray())
                {
                    Answer(writer, call);
                }

                writer.WriteEndArray();
            }
            else
            {
                Answer(writer, document.RootElement);
            }
        }

        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(output.ToArray()) };
    }

    private void Answer(Utf8JsonWriter writer, JsonElement call)
    {
        writer.WriteStartObject();
        writer.WriteString("jsonrpc", "2.0");
        writer.WritePropertyName("id");
        call.GetProperty("id").WriteTo(writer);
        var method = call.GetProperty("method").GetString();
        var parameters = call.TryGetProperty("params", out var p) ? p : default;
        switch (method)
        {
            case "eth_chainId":
                writer.WriteString("result", "0x" + chainId.ToString("x", System.Globalization.CultureInfo.InvariantCulture));
                break;
            case "eth_blockNumber":
                writer.WriteString("result", "0x10");
                break;
            case "eth_getTransactionCount":
                writer.WriteString("result", "0x0");
                break;
            case "eth_getBalance":
                writer.WriteString("result", "0xd3c21bcecceda1000000"); // 10^24 wei
                break;
            case "eth_estimateGas":
                writer.WriteString("result", "0x5208");
                break;
            case "eth_getCode":
                // Every address is an externally owned account: plain transfers need no estimate (as on a real node).
                writer.WriteString("result", "0x");
                break;
            case "eth_maxPriorityFeePerGas":
            case "eth_gasPrice":
                writer.WriteString("result", Gwei);
                break;
            case "eth_sendRawTransaction":
                writer.WriteString("result", HexConvert.ToHex(Keccak256.Hash(HexConvert.FromHex(parameters[0].GetString()!))));
                break;
            case "eth_getTransactionReceipt":
                writer.WriteNull("result");
                break;
            case "eth_feeHistory":
                writer.WriteStartObject("result");
                writer.WriteString("oldestBlock", "0xc");
                writer.WriteStartArray("baseFeePerGas");
                for (var i = 0; i < 6; i++)
                {
                    writer.WriteStringValue(Gwei);
                }

                writer.WriteEndArray();
                writer.WriteStartArray("gasUsedRatio");
                for (var i = 0; i < 5; i++)
                {
                    writer.WriteNumberValue(0.5);
                }

                writer.WriteEndArray();
                writer.WriteStartArray("reward");
                for (var i = 0; i < 5; i++)
                {
                    writer.WriteStartArray();
                    writer.WriteStringValue(Gwei);
                    writer.WriteEndArray();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
                break;
            default:
                writer.WriteStartObject("error");
                writer.WriteNumber("code", -32601);
                writer.WriteString("message", $"the instant chain does not answer {method}");
                writer.WriteEndObject();
                break;
        }

        writer.WriteEndObject();
    }
}
