using System.Globalization;
using System.Text;
using System.Text.Json;
using WalletGrains.Ethereum.Abi;
using WalletGrains.Ethereum.Hex;

namespace WalletGrains.Ethereum.Rpc;

/// <summary>A JSON-RPC call that failed: the node's error object or a transport failure, with its classified <see cref="Kind"/>.</summary>
public sealed class RpcException : Exception
{
    /// <summary>The JSON-RPC 2.0 code for "method not found".</summary>
    public const int MethodNotFoundCode = -32601;

    /// <summary>Creates an unclassified exception.</summary>
    public RpcException()
        : this("", RpcErrorKind.Unknown, "JSON-RPC call failed.")
    {
    }

    /// <summary>Creates an unclassified exception with a message.</summary>
    public RpcException(string message)
        : this("", RpcErrorKind.Unknown, message)
    {
    }

    /// <summary>Creates an unclassified exception with a message and cause.</summary>
    public RpcException(string message, Exception innerException)
        : this("", RpcErrorKind.Unknown, message, innerException: innerException)
    {
    }

    /// <summary>Creates an exception with every detail known about the failure.</summary>
    public RpcException(
        string method,
        RpcErrorKind kind,
        string message,
        int? code = null,
        string? rpcMessage = null,
        string? data = null,
        byte[]? revertData = null,
        int? httpStatus = null,
        Exception? innerException = null)
        : base(message, innerException)
    {
        Method = method;
        Kind = kind;
        Code = code;
        RpcMessage = rpcMessage;
        ErrorData = data;
        RevertData = revertData;
        HttpStatus = httpStatus;
    }

    /// <summary>The JSON-RPC method that failed.</summary>
    public string Method { get; }

    /// <summary>What the failure means for the caller.</summary>
    public RpcErrorKind Kind { get; }

    /// <summary>The JSON-RPC error code, when the node answered with an error object.</summary>
    public int? Code { get; }

    /// <summary>The node's error message, verbatim.</summary>
    public string? RpcMessage { get; }

    /// <summary>The error object's <c>data</c> member as raw JSON text, when present.</summary>
    public string? ErrorData { get; }

    /// <summary>The revert payload of an <see cref="RpcErrorKind.ExecutionReverted"/> error, when the node sent it.</summary>
    public byte[]? RevertData { get; }

    /// <summary>The HTTP status of the response, when one arrived.</summary>
    public int? HttpStatus { get; }

    /// <summary>
    /// Whether the node says it does not serve the called method at all (JSON-RPC -32601, or the wording of nodes and
    /// providers that answer with another code), rather than that this call failed. The <see cref="Kind"/> stays what
    /// it was: callers that can do without the method decide what that means.
    /// </summary>
    public bool IsMethodUnsupported =>
        Code == MethodNotFoundCode
        || (RpcMessage is { } message
            && (message.Contains("not supported", StringComparison.OrdinalIgnoreCase)
                || message.Contains("unsupported", StringComparison.OrdinalIgnoreCase)
                || message.Contains("does not exist", StringComparison.OrdinalIgnoreCase)
                || message.Contains("not available", StringComparison.OrdinalIgnoreCase)
                || message.Contains("method not found", StringComparison.OrdinalIgnoreCase)));

    /// <summary>Builds the exception for a JSON-RPC error object.</summary>
    public static RpcException FromErrorObject(string method, JsonElement error, int? httpStatus = null)
    {
        int? code = null;
        string? message = null;
        string? data = null;
        if (error.ValueKind == JsonValueKind.Object)
        {
            if (error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var ci))
            {
                code = ci;
            }

            if (error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
            {
                message = m.GetString();
            }

            if (error.TryGetProperty("data", out var d) && d.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined))
            {
                data = d.GetRawText();
            }
        }
        else
        {
            message = error.GetRawText();
        }

        var kind = RpcErrorClassifier.Classify(code, message, data);
        var revert = kind == RpcErrorKind.ExecutionReverted && error.ValueKind == JsonValueKind.Object && error.TryGetProperty("data", out var dataElement)
            ? ExtractRevertData(dataElement)
            : null;

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{method} failed ({kind}): ");
        if (code is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"[{code}] ");
        }

        text.Append(message ?? "(no message)");
        if (revert is not null && AbiRevert.TryDecode(revert, out var reason) && message?.Contains(reason, StringComparison.Ordinal) != true)
        {
            text.Append(CultureInfo.InvariantCulture, $" (revert: {reason})");
        }

        return new RpcException(method, kind, text.ToString(), code, message, data, revert, httpStatus);
    }

    /// <summary>
    /// Finds revert bytes in an error's data: a hex string (geth, anvil, reth), hex after a word
    /// such as "Reverted 0x..." (nethermind), or an object carrying it under <c>data</c>.
    /// </summary>
    internal static byte[]? ExtractRevertData(JsonElement data)
    {
        switch (data.ValueKind)
        {
            case JsonValueKind.String:
                {
                    var s = data.GetString()!;
                    var at = s.LastIndexOf("0x", StringComparison.OrdinalIgnoreCase);
                    if (at < 0 || (at > 0 && !char.IsWhiteSpace(s[at - 1])))
                    {
                        return null;
                    }

                    var hex = s[at..].TrimEnd();
                    return HexConvert.TryFromHex(hex, out var bytes) ? bytes : null;
                }

            case JsonValueKind.Object when data.TryGetProperty("data", out var inner):
                return ExtractRevertData(inner);
            default:
                return null;
        }
    }
}
