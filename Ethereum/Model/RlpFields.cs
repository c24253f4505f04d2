using WalletGrains.Ethereum.Rlp;

namespace WalletGrains.Ethereum.Model;

/// <summary>RLP lengths and writers for the Model types the Rlp layer cannot know about.</summary>
internal static class RlpFields
{
    /// <summary>RLP length of a storage key or hash: 0xa0 header + 32 bytes.</summary>
    public const int Bytes32Length = 1 + Bytes32.Length;

    /// <summary>RLP length of a present address: 0x94 header + 20 bytes.</summary>
    public const int AddressLength = 1 + Address.Length;

    public static int LengthOf(in UInt256 value)
    {
        var count = value.ByteLength;

        // Zero is the empty string (0x80) and 1..0x7f encode as themselves: both one byte.
        return count == 0 || (count == 1 && value.ToUInt64() < RlpReader.ShortStringOffset) ? 1 : 1 + count;
    }

    public static void Write(ref RlpWriter writer, in UInt256 value)
    {
        if (value.FitsInUInt64)
        {
            writer.WriteUInt64(value.ToUInt64());
            return;
        }

        Span<byte> buffer = stackalloc byte[32];
        value.WriteBigEndian(buffer);
        writer.WriteString(buffer[(32 - value.ByteLength)..]);
    }

    /// <summary>A missing recipient (contract creation) is the empty string.</summary>
    public static int LengthOf(Address? address) => address is null ? 1 : AddressLength;

    public static void Write(ref RlpWriter writer, Address? address)
    {
        if (address is { } a)
        {
            writer.WriteString(a.Bytes);
        }
        else
        {
            writer.WriteString([]);
        }
    }

    public static int LengthOf(IReadOnlyList<AccessListEntry> accessList) => RlpWriter.GetListLength(PayloadLength(accessList));

    public static void Write(ref RlpWriter writer, IReadOnlyList<AccessListEntry> accessList)
    {
        writer.WriteListHeader(PayloadLength(accessList));
        Span<byte> key = stackalloc byte[Bytes32.Length];
        for (var i = 0; i < accessList.Count; i++)
        {
            var entry = accessList[i];
            var keysPayload = entry.StorageKeys.Count * Bytes32Length;
            writer.WriteListHeader(AddressLength + RlpWriter.GetListLength(keysPayload));
            writer.WriteString(entry.Address.Bytes);
            writer.WriteListHeader(keysPayload);
            for (var k = 0; k < entry.StorageKeys.Count; k++)
            {
                entry.StorageKeys[k].CopyTo(key);
                writer.WriteString(key);
            }
        }
    }

    private static int PayloadLength(IReadOnlyList<AccessListEntry> accessList)
    {
        var total = 0;
        for (var i = 0; i < accessList.Count; i++)
        {
            var keysPayload = accessList[i].StorageKeys.Count * Bytes32Length;
            total += RlpWriter.GetListLength(AddressLength + RlpWriter.GetListLength(keysPayload));
        }

        return total;
    }
}
