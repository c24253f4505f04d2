using FsCheck;
using FsCheck.Fluent;
using WalletGrains.Ethereum.Crypto;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Signing;

namespace WalletGrains.Ethereum.Tests;

/// <summary>decode(sign(tx)) gives back every field and the signer, for generated transactions of every type.</summary>
public sealed class TransactionPropertyTests
{
    private static readonly Gen<byte> AnyByte = Gen.Choose(0, 255).Select(i => (byte)i);

    private static readonly Gen<ulong> AnyUInt64 = Gen.Frequency(
        (3, Gen.Elements(0UL, 1UL, 0x7fUL, 0x80UL, 0xffUL, 0x100UL, uint.MaxValue, 1UL << 53, ulong.MaxValue - 1, ulong.MaxValue)),
        (3, Gen.Choose(0, int.MaxValue).Select(i => (ulong)i)),
        (4, Bytes(8).Select(b => BitConverter.ToUInt64(b))));

    /// <summary>Boundary values, then values of every byte width up to the full 256 bits.</summary>
    private static readonly Gen<UInt256> AnyUInt256 = Gen.Frequency(
        (2, Gen.Elements(UInt256.Zero, UInt256.One, new UInt256(0x7f), new UInt256(0x80), new UInt256(ulong.MaxValue), new UInt256(0, 1), UInt256.MaxValue)),
        (8, Gen.Choose(0, 32).SelectMany(Bytes).Select(b => UInt256.FromBigEndian(b))));

    private static readonly Gen<Address> AnyAddress = Bytes(Address.Length).Select(b => Address.FromBytes(b));

    private static readonly Gen<Address?> AnyRecipient = Gen.Frequency(
        (1, Gen.Constant<Address?>(null)),
        (4, AnyAddress.Select(a => (Address?)a)));

    /// <summary>Lengths around the RLP thresholds (1 byte, 55/56 bytes) and a few longer payloads.</summary>
    private static readonly Gen<byte[]> AnyData = Gen.Frequency(
        (3, Gen.Choose(0, 3).SelectMany(Bytes)),
        (2, Gen.Elements(54, 55, 56, 57, 255, 256).SelectMany(Bytes)),
        (3, Gen.Choose(0, 600).SelectMany(Bytes)));

    private static readonly Gen<IReadOnlyList<AccessListEntry>> AnyAccessList =
        Gen.Choose(0, 4).SelectMany(count => Gen.ArrayOf(
            from address in AnyAddress
            from keyCount in Gen.Choose(0, 3)
            from keys in Gen.ArrayOf(Bytes(32).Select(b => Bytes32.FromBytes(b)), keyCount)
            select new AccessListEntry(address, keys),
            count)).Select(entries => (IReadOnlyList<AccessListEntry>)entries);

    private static readonly Gen<byte[]> AnyPrivateKey = Bytes(32).Where(k => Secp256k1.IsValidPrivateKey(k));

    private static readonly Gen<Transaction> AnyTransaction =
        from type in Gen.Choose(0, 2)
        from chainId in Gen.Frequency((1, Gen.Constant(0UL)), (2, Gen.Elements(1UL, 31337UL, 11155111UL)), (2, AnyUInt64))
        from nonce in AnyUInt64.Select(n => Math.Min(n, Transaction.MaxNonce))
        from gasLimit in AnyUInt64
        from to in AnyRecipient
        from value in AnyUInt256
        from data in AnyData
        from fees in AnyUInt256.Two()
        from accessList in AnyAccessList
        select Build(type, chainId, nonce, gasLimit, to, value, data, fees.Item1, fees.Item2, accessList);

    [Fact]
    public void Decoding_a_signed_transaction_returns_every_field_and_the_signer()
    {
        var cases = from tx in AnyTransaction from key in AnyPrivateKey select (tx, key);
        var property = Prop.ForAll(Arb.From(cases), c =>
        {
            var (tx, key) = c;
            var signer = Address.FromPrivateKey(key);
            var signed = TransactionSigner.Sign(tx, key);
            var decoded = TransactionDecoder.Decode(signed.Raw.Span, tx.ChainId);

            Assert.True(tx.Equals(decoded.Transaction), $"signed {tx}\ndecoded {decoded.Transaction}");
            Assert.Equal(tx.Type, decoded.Type);
            Assert.Equal(signer, signed.From);
            Assert.Equal(signer, decoded.From);
            Assert.Equal(signed.Signature, decoded.Signature);
            Assert.Equal(signed.V, decoded.V);
            Assert.Equal(signed.Hash, decoded.Hash);
            Assert.Equal(signed, decoded);
            Assert.Equal(TransactionEncoding.GetSignedLength(tx, signed.Signature), signed.Raw.Length);
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(400), property);
    }

    [Fact]
    public void Decoding_rejects_every_truncation_of_a_signed_transaction()
    {
        var cases = from tx in AnyTransaction from key in AnyPrivateKey select (tx, key);
        var property = Prop.ForAll(Arb.From(cases), c =>
        {
            var raw = TransactionSigner.Sign(c.tx, c.key).Raw;
            for (var length = 0; length < raw.Length; length++)
            {
                Assert.False(TransactionDecoder.TryDecode(raw.Span[..length], out _, out var error), $"prefix of {length}/{raw.Length} bytes decoded");
                Assert.NotNull(error);
            }
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(40), property);
    }

    private static Transaction Build(
        int type, ulong chainId, ulong nonce, ulong gasLimit, Address? to, UInt256 value, byte[] data,
        UInt256 feeA, UInt256 feeB, IReadOnlyList<AccessListEntry> accessList) => type switch
        {
            0 => new LegacyTransaction { ChainId = chainId, Nonce = nonce, GasLimit = gasLimit, To = to, Value = value, Data = data, GasPrice = feeA },
            1 => new Eip2930Transaction { ChainId = chainId, Nonce = nonce, GasLimit = gasLimit, To = to, Value = value, Data = data, GasPrice = feeA, AccessList = accessList },
            _ => new Eip1559Transaction
            {
                ChainId = chainId, Nonce = nonce, GasLimit = gasLimit, To = to, Value = value, Data = data,
                MaxPriorityFeePerGas = UInt256.Min(feeA, feeB), MaxFeePerGas = UInt256.Max(feeA, feeB), AccessList = accessList,
            },
        };

    private static Gen<byte[]> Bytes(int length) => Gen.ArrayOf(AnyByte, length);
}
