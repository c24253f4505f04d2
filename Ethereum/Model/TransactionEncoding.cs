using System.Diagnostics.CodeAnalysis;
using WalletGrains.Ethereum.Rlp;

namespace WalletGrains.Ethereum.Model;

/// <summary>
/// Wire formats of transactions: the payload that is signed, the signed EIP-2718 serialization,
/// and a strict parser for signed bytes. No cryptography here; hashing, signing and sender
/// recovery live in WalletGrains.Ethereum.Signing.
/// </summary>
/// <remarks>
/// Signing payloads: legacy unprotected rlp([nonce, gasPrice, gas, to, value, data]); EIP-155
/// rlp([nonce, gasPrice, gas, to, value, data, chainId, 0, 0]); typed type ‖ rlp([fields...]).
/// Signed: legacy rlp([..., v, r, s]); typed type ‖ rlp([..., yParity, r, s]).
/// </remarks>
public static class TransactionEncoding
{
    /// <summary>v of an unprotected legacy signature with y-parity 0 (27, or 28 for parity 1).</summary>
    public const int LegacyVBase = 27;

    /// <summary>EIP-155: v = chainId·2 + 35 + y-parity.</summary>
    public const int Eip155VOffset = 35;

    /// <summary>Fields in a signed legacy transaction.</summary>
    private const int LegacyFieldCount = 9;

    /// <summary>Fields in a signed EIP-2930 transaction.</summary>
    private const int Eip2930FieldCount = 11;

    /// <summary>Fields in a signed EIP-1559 transaction.</summary>
    private const int Eip1559FieldCount = 12;

    /// <summary>Length of <see cref="WriteSigningPayload"/>'s output.</summary>
    public static int GetSigningPayloadLength(Transaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return GetSigningPayloadLength(transaction, transaction.GetFieldsLength());
    }

    /// <summary>Writes the bytes whose Keccak-256 is signed; returns the count written.</summary>
    public static int WriteSigningPayload(Transaction transaction, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return WriteSigningPayload(transaction, transaction.GetFieldsLength(), destination);
    }

    /// <summary>The bytes whose Keccak-256 is signed, as a new array.</summary>
    public static byte[] GetSigningPayload(Transaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var fieldsLength = transaction.GetFieldsLength();
        var output = new byte[GetSigningPayloadLength(transaction, fieldsLength)];
        WriteSigningPayload(transaction, fieldsLength, output);
        return output;
    }

    /// <summary>Length of the signed serialization.</summary>
    public static int GetSignedLength(Transaction transaction, in Signature signature)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return GetSignedLength(transaction, transaction.GetFieldsLength(), signature);
    }

    /// <summary>Writes the signed EIP-2718 serialization; returns the count written.</summary>
    public static int WriteSigned(Transaction transaction, in Signature signature, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return WriteSigned(transaction, transaction.GetFieldsLength(), signature, destination);
    }

    /// <summary>The signed EIP-2718 serialization as a new array.</summary>
    public static byte[] EncodeSigned(Transaction transaction, in Signature signature)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var fieldsLength = transaction.GetFieldsLength();
        var output = new byte[GetSignedLength(transaction, fieldsLength, signature)];
        WriteSigned(transaction, fieldsLength, signature, output);
        return output;
    }

    /// <summary>
    /// The v a signature carries on the wire: y-parity for typed transactions, 27/28 for unprotected
    /// legacy, chainId·2 + 35/36 for EIP-155 legacy (up to 2^65 + 36, hence 256 bits).
    /// </summary>
    public static UInt256 GetV(Transaction transaction, byte yParity)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (transaction.Type != TransactionType.Legacy)
        {
            return yParity;
        }

        if (transaction.ChainId == 0)
        {
            return (uint)(LegacyVBase + yParity);
        }

        var v = ((UInt128)transaction.ChainId * 2) + Eip155VOffset + yParity;
        return new UInt256((ulong)v, (ulong)(v >> 64));
    }

    internal static int GetSigningPayloadLength(Transaction transaction, int fieldsLength)
    {
        if (transaction.Type == TransactionType.Legacy)
        {
            return RlpWriter.GetListLength(fieldsLength + GetEip155SuffixLength(transaction.ChainId));
        }

        return 1 + RlpWriter.GetListLength(fieldsLength);
    }

    internal static int WriteSigningPayload(Transaction transaction, int fieldsLength, Span<byte> destination)
    {
        var writer = new RlpWriter(destination);
        if (transaction.Type == TransactionType.Legacy)
        {
            writer.WriteListHeader(fieldsLength + GetEip155SuffixLength(transaction.ChainId));
            transaction.WriteFields(ref writer);
            if (transaction.ChainId != 0)
            {
                // EIP-155: chainId, 0, 0 stand where v, r, s will go.
                writer.WriteUInt64(transaction.ChainId);
                writer.WriteUInt64(0);
                writer.WriteUInt64(0);
            }

            return writer.Position;
        }

        writer.WriteRawByte((byte)transaction.Type);
        writer.WriteListHeader(fieldsLength);
        transaction.WriteFields(ref writer);
        return writer.Position;
    }

    internal static int GetSignedLength(Transaction transaction, int fieldsLength, in Signature signature)
    {
        var payload = fieldsLength + GetSignatureFieldsLength(transaction, signature);
        var list = RlpWriter.GetListLength(payload);
        return transaction.Type == TransactionType.Legacy ? list : 1 + list;
    }

    internal static int WriteSigned(Transaction transaction, int fieldsLength, in Signature signature, Span<byte> destination)
    {
        if (signature.YParity > 1)
        {
            throw new ArgumentException($"y-parity must be 0 or 1, got {signature.YParity}.", nameof(signature));
        }

        var writer = new RlpWriter(destination);
        if (transaction.Type != TransactionType.Legacy)
        {
            writer.WriteRawByte((byte)transaction.Type);
        }

        writer.WriteListHeader(fieldsLength + GetSignatureFieldsLength(transaction, signature));
        transaction.WriteFields(ref writer);
        RlpFields.Write(ref writer, GetV(transaction, signature.YParity));
        RlpFields.Write(ref writer, signature.R);
        RlpFields.Write(ref writer, signature.S);
        return writer.Position;
    }

    /// <summary>
    /// Parses signed EIP-2718 bytes strictly: canonical RLP, canonical integers within their widths,
    /// 20-byte addresses, 32-byte storage keys, the exact field count, a well-formed v or y-parity
    /// and r, s in range with low s (EIP-2). The returned transaction's <see cref="Transaction.Data"/>
    /// points into <paramref name="raw"/>, which must not change afterwards.
    /// Protocol rules (intrinsic gas, EIP-2681 nonce bound, fee order) are not checked.
    /// </summary>
    public static bool TryDecodeSigned(
        ReadOnlyMemory<byte> raw,
        [NotNullWhen(true)] out Transaction? transaction,
        out Signature signature,
        [NotNullWhen(false)] out TransactionDecodeError? error)
    {
        transaction = null;
        signature = default;
        var span = raw.Span;
        if (span.IsEmpty)
        {
            error = Structure("empty input");
            return false;
        }

        var first = span[0];
        TransactionType type;
        int envelopeOffset;
        if (first >= RlpReader.ShortListOffset)
        {
            // [0xc0, 0xff]: an RLP list, the legacy form.
            type = TransactionType.Legacy;
            envelopeOffset = 0;
        }
        else if (first < RlpReader.ShortStringOffset)
        {
            // [0x00, 0x7f]: an EIP-2718 type byte, then the RLP list.
            if (first is not ((byte)TransactionType.Eip2930 or (byte)TransactionType.Eip1559))
            {
                error = Structure($"transaction type 0x{first:x2} is not supported (supported: legacy, 0x01 EIP-2930, 0x02 EIP-1559)");
                return false;
            }

            type = (TransactionType)first;
            envelopeOffset = 1;
        }
        else
        {
            error = Structure($"first byte 0x{first:x2} starts an RLP byte string: neither a legacy list (>= 0xc0) nor an EIP-2718 type (<= 0x7f)");
            return false;
        }

        var envelope = new RlpReader(span[envelopeOffset..]);
        if (!envelope.TryReadList(out var list))
        {
            error = Structure($"transaction list: {envelope.Error.Describe()} at byte {envelope.ErrorOffset + envelopeOffset}");
            return false;
        }

        if (!envelope.TryReadEnd())
        {
            error = Structure($"{envelope.Error.Describe()} at byte {envelope.ErrorOffset + envelopeOffset}");
            return false;
        }

        var fields = new FieldReader(raw, envelopeOffset, type);
        var ok = type switch
        {
            TransactionType.Legacy => TryReadLegacy(ref list, ref fields, out transaction, out signature),
            TransactionType.Eip2930 => TryReadEip2930(ref list, ref fields, out transaction, out signature),
            _ => TryReadEip1559(ref list, ref fields, out transaction, out signature),
        };

        if (ok && list.HasMore)
        {
            fields.Error = Structure($"{TypeName(type)} transaction has more than {ExpectedFieldCount(type)} fields");
            ok = false;
        }

        if (ok && signature.Problem() is { } problem)
        {
            fields.Error = new TransactionDecodeError(TransactionDecodeLayer.Signature, problem);
            ok = false;
        }

        if (!ok || transaction is null)
        {
            transaction = null;
            signature = default;
            error = fields.Error!;
            return false;
        }

        error = null;
        return true;
    }

    private static bool TryReadLegacy(ref RlpReader list, ref FieldReader f, [NotNullWhen(true)] out Transaction? transaction, out Signature signature)
    {
        transaction = null;
        signature = default;
        if (!f.TryUInt64(ref list, "nonce", out var nonce)
            || !f.TryUInt256(ref list, "gasPrice", out var gasPrice)
            || !f.TryUInt64(ref list, "gasLimit", out var gasLimit)
            || !f.TryAddress(ref list, "to", out var to)
            || !f.TryUInt256(ref list, "value", out var value)
            || !f.TryBytes(ref list, "data", out var data)
            || !f.TryField(ref list, "v", out var vBytes)
            || !f.TryUInt256(ref list, "r", out var r)
            || !f.TryUInt256(ref list, "s", out var s))
        {
            return false;
        }

        if (!f.TryLegacyV(vBytes, out var chainId, out var yParity))
        {
            return false;
        }

        transaction = new LegacyTransaction
        {
            ChainId = chainId,
            Nonce = nonce,
            GasPrice = gasPrice,
            GasLimit = gasLimit,
            To = to,
            Value = value,
            Data = data,
        };
        signature = new Signature(yParity, r, s);
        return true;
    }

    private static bool TryReadEip2930(ref RlpReader list, ref FieldReader f, [NotNullWhen(true)] out Transaction? transaction, out Signature signature)
    {
        transaction = null;
        signature = default;
        if (!f.TryUInt64(ref list, "chainId", out var chainId)
            || !f.TryUInt64(ref list, "nonce", out var nonce)
            || !f.TryUInt256(ref list, "gasPrice", out var gasPrice)
            || !f.TryUInt64(ref list, "gasLimit", out var gasLimit)
            || !f.TryAddress(ref list, "to", out var to)
            || !f.TryUInt256(ref list, "value", out var value)
            || !f.TryBytes(ref list, "data", out var data)
            || !f.TryAccessList(ref list, out var accessList)
            || !f.TryYParity(ref list, out var yParity)
            || !f.TryUInt256(ref list, "r", out var r)
            || !f.TryUInt256(ref list, "s", out var s))
        {
            return false;
        }

        transaction = new Eip2930Transaction
        {
            ChainId = chainId,
            Nonce = nonce,
            GasPrice = gasPrice,
            GasLimit = gasLimit,
            To = to,
            Value = value,
            Data = data,
            AccessList = accessList,
        };
        signature = new Signature(yParity, r, s);
        return true;
    }

    private static bool TryReadEip1559(ref RlpReader list, ref FieldReader f, [NotNullWhen(true)] out Transaction? transaction, out Signature signature)
    {
        transaction = null;
        signature = default;
        if (!f.TryUInt64(ref list, "chainId", out var chainId)
            || !f.TryUInt64(ref list, "nonce", out var nonce)
            || !f.TryUInt256(ref list, "maxPriorityFeePerGas", out var maxPriorityFee)
            || !f.TryUInt256(ref list, "maxFeePerGas", out var maxFee)
            || !f.TryUInt64(ref list, "gasLimit", out var gasLimit)
            || !f.TryAddress(ref list, "to", out var to)
            || !f.TryUInt256(ref list, "value", out var value)
            || !f.TryBytes(ref list, "data", out var data)
            || !f.TryAccessList(ref list, out var accessList)
            || !f.TryYParity(ref list, out var yParity)
            || !f.TryUInt256(ref list, "r", out var r)
            || !f.TryUInt256(ref list, "s", out var s))
        {
            return false;
        }

        transaction = new Eip1559Transaction
        {
            ChainId = chainId,
            Nonce = nonce,
            MaxPriorityFeePerGas = maxPriorityFee,
            MaxFeePerGas = maxFee,
            GasLimit = gasLimit,
            To = to,
            Value = value,
            Data = data,
            AccessList = accessList,
        };
        signature = new Signature(yParity, r, s);
        return true;
    }

    private static int GetEip155SuffixLength(ulong chainId) =>
        chainId == 0 ? 0 : RlpWriter.GetUInt64Length(chainId) + 2;

    private static int GetSignatureFieldsLength(Transaction transaction, in Signature signature) =>
        RlpFields.LengthOf(GetV(transaction, signature.YParity)) + RlpFields.LengthOf(signature.R) + RlpFields.LengthOf(signature.S);

    private static int ExpectedFieldCount(TransactionType type) => type switch
    {
        TransactionType.Legacy => LegacyFieldCount,
        TransactionType.Eip2930 => Eip2930FieldCount,
        _ => Eip1559FieldCount,
    };

    private static string TypeName(TransactionType type) => type switch
    {
        TransactionType.Legacy => "legacy",
        TransactionType.Eip2930 => "EIP-2930",
        _ => "EIP-1559",
    };

    private static TransactionDecodeError Structure(string message) => new(TransactionDecodeLayer.RlpStructure, message);

    /// <summary>Reads fields in order, counting them and recording the first rejection with its layer.</summary>
    private struct FieldReader(ReadOnlyMemory<byte> raw, int envelopeOffset, TransactionType type)
    {
        private int _index;

        public TransactionDecodeError? Error { get; set; }

        /// <summary>Any byte string; a non-canonical string header is a field-encoding error.</summary>
        public bool TryField(ref RlpReader list, string name, out ReadOnlySpan<byte> bytes)
        {
            bytes = default;
            if (!list.HasMore)
            {
                return Fail(TransactionDecodeLayer.RlpStructure,
                    $"{TypeName(type)} transaction has {_index} fields, expected {ExpectedFieldCount(type)} (missing {name})");
            }

            if (!list.TryReadString(out bytes))
            {
                // Only a badly encoded string header is the field's fault; anything else (a list
                // where a field belongs, truncation) breaks the envelope itself.
                var layer = list.Error.IsNonCanonicalHeader() ? TransactionDecodeLayer.FieldEncoding : TransactionDecodeLayer.RlpStructure;
                return Fail(layer, $"{name} at byte {list.ErrorOffset + envelopeOffset}: {list.Error.Describe()}");
            }

            _index++;
            return true;
        }

        /// <summary>Data: any byte string, returned as a slice of the raw input (no copy).</summary>
        public bool TryBytes(ref RlpReader list, string name, out ReadOnlyMemory<byte> value)
        {
            value = default;
            if (!TryField(ref list, name, out var bytes))
            {
                return false;
            }

            // The reader stops right after the payload, so the payload starts bytes.Length earlier.
            var end = list.Offset + envelopeOffset;
            value = raw.Slice(end - bytes.Length, bytes.Length);
            return true;
        }

        public bool TryUInt64(ref RlpReader list, string name, out ulong value)
        {
            value = 0;
            if (!TryInteger(ref list, name, sizeof(ulong), out var bytes))
            {
                return false;
            }

            foreach (var b in bytes)
            {
                value = (value << 8) | b;
            }

            return true;
        }

        public bool TryUInt256(ref RlpReader list, string name, out UInt256 value)
        {
            value = default;
            if (!TryInteger(ref list, name, 32, out var bytes))
            {
                return false;
            }

            value = UInt256.FromBigEndian(bytes);
            return true;
        }

        public bool TryAddress(ref RlpReader list, string name, out Address? address)
        {
            address = null;
            if (!TryField(ref list, name, out var bytes))
            {
                return false;
            }

            if (bytes.Length == 0)
            {
                return true;
            }

            if (bytes.Length != Address.Length)
            {
                return Fail(TransactionDecodeLayer.FieldEncoding, $"{name} is {bytes.Length} bytes; an address is {Address.Length} (or empty for contract creation)");
            }

            address = Address.FromBytes(bytes);
            return true;
        }

        /// <summary>Typed transactions carry the y-parity itself: 0 (empty string) or 1.</summary>
        public bool TryYParity(ref RlpReader list, out byte yParity)
        {
            yParity = 0;
            if (!TryInteger(ref list, "yParity", 32, out var bytes))
            {
                return false;
            }

            if (bytes.Length > 1 || (bytes.Length == 1 && bytes[0] > 1))
            {
                return Fail(TransactionDecodeLayer.Signature, $"yParity is 0x{Convert.ToHexStringLower(bytes)}, must be 0 or 1");
            }

            yParity = bytes.Length == 0 ? (byte)0 : bytes[0];
            return true;
        }

        /// <summary>
        /// Legacy v: 27/28 (unprotected, chain id 0) or chainId·2 + 35/36 (EIP-155, chain id ≥ 1).
        /// v = 35/36 would mean chain id 0, which EIP-155 does not define, so it is rejected too.
        /// </summary>
        public bool TryLegacyV(ReadOnlySpan<byte> bytes, out ulong chainId, out byte yParity)
        {
            chainId = 0;
            yParity = 0;
            if (bytes.Length > 0 && bytes[0] == 0)
            {
                return Fail(TransactionDecodeLayer.FieldEncoding, "v has a leading zero byte");
            }

            if (bytes.Length > 32)
            {
                return Fail(TransactionDecodeLayer.FieldRange, $"v is {bytes.Length} bytes, wider than 256 bits");
            }

            // chainId ≤ 2^64 - 1 gives v ≤ 2^65 + 36, which fits in 128 bits.
            if (bytes.Length > 16)
            {
                return Fail(TransactionDecodeLayer.Signature, $"v = 0x{Convert.ToHexStringLower(bytes)} encodes a chain id wider than 64 bits");
            }

            UInt128 v = 0;
            foreach (var b in bytes)
            {
                v = (v << 8) | b;
            }

            if (v == LegacyVBase || v == LegacyVBase + 1)
            {
                yParity = (byte)(v - LegacyVBase);
                return true;
            }

            if (v >= Eip155VOffset + 2)
            {
                var chain = (v - Eip155VOffset) >> 1;
                if (chain > ulong.MaxValue)
                {
                    return Fail(TransactionDecodeLayer.Signature, $"v = {v} encodes a chain id wider than 64 bits");
                }

                chainId = (ulong)chain;
                yParity = (byte)((v - Eip155VOffset) & 1);
                return true;
            }

            var reason = v == Eip155VOffset || v == Eip155VOffset + 1 ? " (EIP-155 chain id 0 is not a chain)" : string.Empty;
            return Fail(TransactionDecodeLayer.Signature, $"v = {v} is neither 27/28 nor chainId*2+35/36{reason}");
        }

        /// <summary>
        /// EIP-2930 access list: a list of [address (20 bytes), [storage key (32 bytes), ...]].
        /// Wrong list shapes are structural; wrong address or key sizes are field encoding.
        /// </summary>
        public bool TryAccessList(ref RlpReader list, out IReadOnlyList<AccessListEntry> accessList)
        {
            accessList = [];
            if (!list.HasMore)
            {
                return Fail(TransactionDecodeLayer.RlpStructure,
                    $"{TypeName(type)} transaction has {_index} fields, expected {ExpectedFieldCount(type)} (missing accessList)");
            }

            if (!list.TryReadList(out var entries))
            {
                return Fail(TransactionDecodeLayer.RlpStructure, $"accessList at byte {list.ErrorOffset + envelopeOffset}: {list.Error.Describe()}");
            }

            _index++;
            if (!entries.HasMore)
            {
                return true;
            }

            var result = new List<AccessListEntry>();
            while (entries.HasMore)
            {
                var position = result.Count;
                if (!entries.TryReadList(out var entry))
                {
                    return Fail(TransactionDecodeLayer.RlpStructure, $"accessList[{position}] at byte {entries.ErrorOffset + envelopeOffset}: {entries.Error.Describe()}");
                }

                if (!entry.TryReadString(out var addressBytes))
                {
                    var layer = entry.Error.IsNonCanonicalHeader() ? TransactionDecodeLayer.FieldEncoding : TransactionDecodeLayer.RlpStructure;
                    return Fail(layer, $"accessList[{position}].address at byte {entry.ErrorOffset + envelopeOffset}: {entry.Error.Describe()}");
                }

                if (addressBytes.Length != Address.Length)
                {
                    return Fail(TransactionDecodeLayer.FieldEncoding, $"accessList[{position}].address is {addressBytes.Length} bytes, expected {Address.Length}");
                }

                if (!entry.TryReadList(out var keys))
                {
                    return Fail(TransactionDecodeLayer.RlpStructure, $"accessList[{position}].storageKeys at byte {entry.ErrorOffset + envelopeOffset}: {entry.Error.Describe()}");
                }

                if (!entry.TryReadEnd())
                {
                    return Fail(TransactionDecodeLayer.RlpStructure, $"accessList[{position}] has more than 2 items");
                }

                var storageKeys = new List<Bytes32>();
                while (keys.HasMore)
                {
                    if (!keys.TryReadString(out var key))
                    {
                        var layer = keys.Error.IsNonCanonicalHeader() ? TransactionDecodeLayer.FieldEncoding : TransactionDecodeLayer.RlpStructure;
                        return Fail(layer, $"accessList[{position}].storageKeys[{storageKeys.Count}] at byte {keys.ErrorOffset + envelopeOffset}: {keys.Error.Describe()}");
                    }

                    if (key.Length != Bytes32.Length)
                    {
                        return Fail(TransactionDecodeLayer.FieldEncoding, $"accessList[{position}].storageKeys[{storageKeys.Count}] is {key.Length} bytes, expected {Bytes32.Length}");
                    }

                    storageKeys.Add(Bytes32.FromBytes(key));
                }

                result.Add(new AccessListEntry(Address.FromBytes(addressBytes), storageKeys));
            }

            accessList = result;
            return true;
        }

        /// <summary>A canonical integer of at most <paramref name="maxBytes"/> bytes: leading zeros are encoding errors, extra width is a range error.</summary>
        private bool TryInteger(ref RlpReader list, string name, int maxBytes, out ReadOnlySpan<byte> bytes)
        {
            if (!TryField(ref list, name, out bytes))
            {
                return false;
            }

            if (bytes.Length > 0 && bytes[0] == 0)
            {
                return Fail(TransactionDecodeLayer.FieldEncoding, $"{name} = 0x{Convert.ToHexStringLower(bytes)} has a leading zero byte (integers are minimal big-endian)");
            }

            if (bytes.Length > maxBytes)
            {
                return Fail(TransactionDecodeLayer.FieldRange, $"{name} = 0x{Convert.ToHexStringLower(bytes)} is wider than {maxBytes * 8} bits");
            }

            return true;
        }

        private bool Fail(TransactionDecodeLayer layer, string message)
        {
            Error ??= new TransactionDecodeError(layer, message);
            return false;
        }
    }
}
