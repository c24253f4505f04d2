using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains;

namespace WalletGrains.Api.Transactions;

/// <summary>
/// Parses the body of <c>POST /v1/transactions</c> (DESIGN.md §6) with no I/O, so a rejected request
/// reaches nothing (invariant 8). Unknown properties are rejected: a misspelt fee cap must not be
/// silently ignored on a payment. <c>to</c> must be present; an explicit null means contract creation.
/// </summary>
internal static class SendRequestParser
{
    /// <summary>Intrinsic gas of any transaction (yellow paper G_transaction = 21000): a lower gasLimit can never be valid.</summary>
    public const ulong MinGasLimit = 21_000;

    private static readonly HashSet<string> KnownProperties = new(StringComparer.Ordinal)
    {
        "chainId", "from", "to", "value", "data", "gasLimit", "maxFeePerGas", "maxPriorityFeePerGas", "gasPrice",
    };

    public static bool TryParse(JsonElement body, ApiOptions limits, [NotNullWhen(true)] out SendRequest? request, [NotNullWhen(false)] out ApiProblem? problem)
    {
        request = null;
        if (!JsonFields.TryCheckProperties(body, KnownProperties, out problem))
        {
            return false;
        }

        if (!JsonFields.TryReadRequiredUInt64(body, "chainId", WalletErrorCodes.InvalidRequest, out var chainId, out problem))
        {
            return false;
        }

        if (!JsonFields.TryReadRequiredAddress(body, "from", out var from, out problem))
        {
            return false;
        }

        if (!body.TryGetProperty("to", out var toElement))
        {
            problem = ApiProblem.For(WalletErrorCodes.InvalidRequest, "'to' is required; pass null explicitly to create a contract.");
            return false;
        }

        Address? to = null;
        if (toElement.ValueKind != JsonValueKind.Null)
        {
            if (!JsonFields.TryReadAddress(toElement, "to", out var toAddress, out problem))
            {
                return false;
            }

            to = toAddress;
        }

        var value = UInt256.Zero;
        if (Present(body, "value", out var valueElement) && !JsonFields.TryReadAmount(valueElement, "value", out value, out problem))
        {
            return false;
        }

        byte[] data = [];
        if (Present(body, "data", out var dataElement))
        {
            if (!JsonFields.TryReadHexBytes(dataElement, "data", limits.MaxDataBytes, out var bytes, out problem))
            {
                return false;
            }

            data = bytes;
        }

        if (to is null && data.Length == 0)
        {
            problem = ApiProblem.For(WalletErrorCodes.InvalidRequest, "A contract creation ('to' null) needs the contract's init code in 'data'.");
            return false;
        }

        ulong? gasLimit = null;
        if (Present(body, "gasLimit", out var gasElement))
        {
            if (!JsonFields.TryReadUInt64(gasElement, "gasLimit", WalletErrorCodes.InvalidAmount, out var gas, out problem))
            {
                return false;
            }

            if (gas < MinGasLimit || gas > limits.MaxGasLimit)
            {
                problem = ApiProblem.For(WalletErrorCodes.InvalidAmount, $"'gasLimit' must be between {MinGasLimit} and {limits.MaxGasLimit}; got {gas}.");
                return false;
            }

            gasLimit = gas;
        }

        if (!TryReadOptionalAmount(body, "maxFeePerGas", out var maxFee, out problem)
            || !TryReadOptionalAmount(body, "maxPriorityFeePerGas", out var maxPriority, out problem)
            || !TryReadOptionalAmount(body, "gasPrice", out var gasPrice, out problem))
        {
            return false;
        }

        if (gasPrice is not null && (maxFee is not null || maxPriority is not null))
        {
            problem = ApiProblem.For(WalletErrorCodes.InvalidRequest, "'gasPrice' (legacy) cannot be combined with 'maxFeePerGas'/'maxPriorityFeePerGas' (EIP-1559).");
            return false;
        }

        // EIP-1559: a transaction with maxPriorityFeePerGas > maxFeePerGas is invalid.
        if (maxFee is { } fee && maxPriority is { } tip && tip > fee)
        {
            problem = ApiProblem.For(WalletErrorCodes.InvalidAmount, $"'maxPriorityFeePerGas' ({tip}) must not exceed 'maxFeePerGas' ({fee}) (EIP-1559).");
            return false;
        }

        request = new SendRequest(chainId, from, to, value, data, gasLimit, maxFee, maxPriority, gasPrice);
        problem = null;
        return true;
    }

    private static bool TryReadOptionalAmount(JsonElement body, string name, out UInt256? value, [NotNullWhen(false)] out ApiProblem? problem)
    {
        value = null;
        problem = null;
        if (!Present(body, name, out var element))
        {
            return true;
        }

        if (!JsonFields.TryReadAmount(element, name, out var amount, out problem))
        {
            return false;
        }

        value = amount;
        return true;
    }

    /// <summary>True when the optional property is there and not null (null means absent).</summary>
    private static bool Present(JsonElement body, string name, out JsonElement element) =>
        body.TryGetProperty(name, out element) && element.ValueKind != JsonValueKind.Null;
}
