using System.Text.Json;
using System.Text.Json.Nodes;

namespace WalletGrains.Ethereum.Rpc;

/// <summary>
/// One JSON-RPC request and how to read its result, usable alone (<see cref="EthRpcClient.SendAsync{T}(RpcRequest{T}, CancellationToken)"/>)
/// or inside a <see cref="RpcBatch"/>. Build them with <see cref="EthRequests"/> or by hand.
/// </summary>
public sealed class RpcRequest<T>
{
    private readonly JsonArray _parameters;

    /// <summary>Creates a request; the parameters are copied.</summary>
    public RpcRequest(string method, IEnumerable<JsonNode?> parameters, Func<JsonElement, T> parse)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(parse);
        Method = method;
        _parameters = new JsonArray([.. parameters.Select(p => p?.DeepClone())]);
        Parse = parse;
    }

    /// <summary>The method name.</summary>
    public string Method { get; }

    /// <summary>Reads the <c>result</c> member; throws FormatException when it is malformed.</summary>
    public Func<JsonElement, T> Parse { get; }

    internal void WriteTo(Utf8JsonWriter writer, long id)
    {
        writer.WriteStartObject();
        writer.WriteString("jsonrpc", "2.0");
        writer.WriteNumber("id", id);
        writer.WriteString("method", Method);
        writer.WritePropertyName("params");
        _parameters.WriteTo(writer);
        writer.WriteEndObject();
    }

    /// <summary>The method name.</summary>
    public override string ToString() => Method;
}
