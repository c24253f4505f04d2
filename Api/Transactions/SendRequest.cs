using System.Buffers;
using System.ComponentModel;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Unicode;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains;

namespace WalletGrains.Api.Transactions;

/// <summary>
/// The body of <c>POST /v1/transactions</c> as documented in OpenAPI. The handler does not bind to this
/// type: <see cref="SendRequestParser"/> reads the JSON strictly so each rejection gets its code.
/// </summary>
public sealed record SendTransactionBody(
    [property: Description("Chain id of a configured chain (JSON integer, or decimal/0x-hex string).")] ulong ChainId,
    [property: Description("A custodied address: lower case or EIP-55.")] string From,
    [property: Description("Recipient address; null (explicitly) for a contract creation, which needs data.")] string? To,
    [property: Description("Wei as a decimal or 0x-hex string (JSON numbers are rejected). Default \"0\".")] string? Value = null,
    [property: Description("Call data as 0x-hex. Default \"0x\".")] string? Data = null,
    [property: Description("Gas limit (JSON integer or string); estimated when absent.")] ulong? GasLimit = null,
    [property: Description("EIP-1559 cap on the fee per gas, wei string.")] string? MaxFeePerGas = null,
    [property: Description("EIP-1559 cap on the priority fee per gas, wei string.")] string? MaxPriorityFeePerGas = null,
    [property: Description("Legacy cap on the gas price, wei string; not together with the EIP-1559 fields.")] string? GasPrice = null);

/// <summary>A send request after parsing: typed, normalised, within limits; chain and account not yet checked.</summary>
internal sealed record SendRequest(
    ulong ChainId,
    Address From,
    Address? To,
    UInt256 Value,
    byte[] Data,
    ulong? GasLimit,
    UInt256? MaxFeePerGas,
    UInt256? MaxPriorityFeePerGas,
    UInt256? GasPrice)
{
    /// <summary>
    /// SHA-256 (lower-case hex) of the canonical form, the <see cref="SendCommand.RequestHash"/> compared on
    /// Idempotency-Key reuse (invariant 7). Canonical form, UTF-8, one field per line in this order:
    /// <c>walletgrains.send.v1</c>, then <c>chainId:</c>, <c>from:</c>, <c>to:</c>, <c>value:</c>,
    /// <c>gasLimit:</c>, <c>maxFeePerGas:</c>, <c>maxPriorityFeePerGas:</c>, <c>gasPrice:</c> each followed
    /// by the normalised value (numbers in decimal, addresses lower-case hex, absent or null as empty,
    /// value 0 when absent), then <c>data:</c> + the byte count + a newline + the raw bytes. So
    /// <c>"0x10"</c> and <c>"16"</c>, or a lower-case and an EIP-55 address, give the same hash, and
    /// omitted value/data equal <c>"0"</c>/<c>"0x"</c>.
    /// </summary>
    public string ComputeRequestHash()
    {
        // Header and data in one pooled buffer, hashed in one call: every send computes this, so it allocates only
        // the answer.
        var buffer = ArrayPool<byte>.Shared.Rent(MaxHeaderBytes + Data.Length);
        try
        {
            if (!Utf8.TryWrite(buffer, CultureInfo.InvariantCulture,
                    $"walletgrains.send.v1\nchainId:{ChainId}\nfrom:{new LowerHex(From)}\nto:{new LowerHex(To)}\nvalue:{Value}\ngasLimit:{GasLimit}\nmaxFeePerGas:{MaxFeePerGas}\nmaxPriorityFeePerGas:{MaxPriorityFeePerGas}\ngasPrice:{GasPrice}\ndata:{Data.Length}\n",
                    out var headerLength))
            {
                throw new InvalidOperationException($"The canonical header of a send exceeded {MaxHeaderBytes} bytes.");
            }

            Data.CopyTo(buffer, headerLength);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer.AsSpan(0, headerLength + Data.Length), hash);
            return Convert.ToHexStringLower(hash);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>More than the canonical header can take: its labels, two addresses and four 78-digit numbers.</summary>
    private const int MaxHeaderBytes = 1024;

    /// <summary>An address as lower-case <c>0x</c> hex in the header (empty when absent), written without a string.</summary>
    private readonly struct LowerHex(Address? address) : IUtf8SpanFormattable
    {
        public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
        {
            bytesWritten = 0;
            if (address is not { } a)
            {
                return true;
            }

            if (utf8Destination.Length < 2 || !Convert.TryToHexStringLower(a.Bytes, utf8Destination[2..], out var digits))
            {
                return false;
            }

            utf8Destination[0] = (byte)'0';
            utf8Destination[1] = (byte)'x';
            bytesWritten = 2 + digits;
            return true;
        }

        public string ToString(string? format, IFormatProvider? formatProvider) => address?.ToLowerHex() ?? "";
    }

    /// <summary>The command handed to the send gateway.</summary>
    public SendCommand ToCommand(string apiKeyId, string? idempotencyKey) => new(
        ChainId, From, To, Value, Data, GasLimit, MaxFeePerGas, MaxPriorityFeePerGas, GasPrice, apiKeyId, idempotencyKey, ComputeRequestHash());
}
