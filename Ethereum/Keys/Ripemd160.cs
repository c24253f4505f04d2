using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace WalletGrains.Ethereum.Keys;

/// <summary>
/// RIPEMD-160 (Dobbertin, Bosselaers, Preneel 1996), needed for BIP-32 fingerprints. .NET offers no
/// RIPEMD-160 on Linux, so this is a small implementation of the published algorithm: two parallel
/// lines of five 16-step rounds over 512-bit blocks, MD4-style little-endian padding.
/// </summary>
public static class Ripemd160
{
    /// <summary>Digest length in bytes.</summary>
    public const int HashBytes = 20;

    private const int BlockBytes = 64;

    // Message word order for the left (R) and right (RP) lines, steps 0..79.
    private static ReadOnlySpan<byte> R =>
    [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        7, 4, 13, 1, 10, 6, 15, 3, 12, 0, 9, 5, 2, 14, 11, 8,
        3, 10, 14, 4, 9, 15, 8, 1, 2, 7, 0, 6, 13, 11, 5, 12,
        1, 9, 11, 10, 0, 8, 12, 4, 13, 3, 7, 15, 14, 5, 6, 2,
        4, 0, 5, 9, 7, 12, 2, 10, 14, 1, 3, 8, 11, 6, 15, 13,
    ];

    private static ReadOnlySpan<byte> RP =>
    [
        5, 14, 7, 0, 9, 2, 11, 4, 13, 6, 15, 8, 1, 10, 3, 12,
        6, 11, 3, 7, 0, 13, 5, 10, 14, 15, 8, 12, 4, 9, 1, 2,
        15, 5, 1, 3, 7, 14, 6, 9, 11, 8, 12, 2, 10, 0, 4, 13,
        8, 6, 4, 1, 3, 11, 15, 0, 5, 12, 2, 13, 9, 7, 10, 14,
        12, 15, 10, 4, 1, 5, 8, 7, 6, 2, 13, 14, 0, 3, 9, 11,
    ];

    // Left rotation amounts for the left (S) and right (SP) lines.
    private static ReadOnlySpan<byte> S =>
    [
        11, 14, 15, 12, 5, 8, 7, 9, 11, 13, 14, 15, 6, 7, 9, 8,
        7, 6, 8, 13, 11, 9, 7, 15, 7, 12, 15, 9, 11, 7, 13, 12,
        11, 13, 6, 7, 14, 9, 13, 15, 14, 8, 13, 6, 5, 12, 7, 5,
        11, 12, 14, 15, 14, 15, 9, 8, 9, 14, 5, 6, 8, 6, 5, 12,
        9, 15, 5, 11, 6, 8, 13, 12, 5, 12, 13, 14, 11, 8, 5, 6,
    ];

    private static ReadOnlySpan<byte> SP =>
    [
        8, 9, 9, 11, 13, 15, 15, 5, 7, 7, 8, 11, 14, 14, 12, 6,
        9, 13, 15, 7, 12, 8, 9, 11, 7, 7, 12, 7, 6, 15, 13, 11,
        9, 7, 15, 11, 8, 6, 6, 14, 12, 13, 5, 14, 13, 13, 7, 5,
        15, 5, 8, 11, 14, 14, 6, 14, 6, 9, 12, 9, 12, 5, 15, 8,
        8, 5, 12, 9, 12, 5, 14, 6, 8, 13, 6, 5, 15, 13, 11, 11,
    ];

    private static ReadOnlySpan<uint> KLeft => [0x00000000u, 0x5A827999u, 0x6ED9EBA1u, 0x8F1BBCDCu, 0xA953FD4Eu];

    private static ReadOnlySpan<uint> KRight => [0x50A28BE6u, 0x5C4DD124u, 0x6D703EF3u, 0x7A6D76E9u, 0x00000000u];

    /// <summary>RIPEMD-160 of <paramref name="data"/> as a new 20-byte array.</summary>
    public static byte[] Hash(ReadOnlySpan<byte> data)
    {
        var output = new byte[HashBytes];
        Hash(data, output);
        return output;
    }

    /// <summary>Writes RIPEMD-160 of <paramref name="data"/> into the first 20 bytes of <paramref name="output"/>.</summary>
    public static void Hash(ReadOnlySpan<byte> data, Span<byte> output)
    {
        if (output.Length < HashBytes)
        {
            throw new ArgumentException($"The output needs {HashBytes} bytes, got {output.Length}.", nameof(output));
        }

        Span<uint> h = [0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u, 0xC3D2E1F0u];
        var full = data.Length / BlockBytes;
        for (var i = 0; i < full; i++)
        {
            Compress(h, data.Slice(i * BlockBytes, BlockBytes));
        }

        // Padding: 0x80, zeros, then the bit length as a little-endian 64-bit integer.
        var rest = data[(full * BlockBytes)..];
        Span<byte> tail = stackalloc byte[2 * BlockBytes];
        tail.Clear();
        rest.CopyTo(tail);
        tail[rest.Length] = 0x80;
        var tailLength = rest.Length + 1 + 8 <= BlockBytes ? BlockBytes : 2 * BlockBytes;
        BinaryPrimitives.WriteUInt64LittleEndian(tail[(tailLength - 8)..], (ulong)data.Length * 8);
        for (var offset = 0; offset < tailLength; offset += BlockBytes)
        {
            Compress(h, tail.Slice(offset, BlockBytes));
        }

        for (var i = 0; i < 5; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(output[(4 * i)..], h[i]);
        }
    }

    /// <summary>HASH160 = RIPEMD-160(SHA-256(data)), the BIP-32 key identifier.</summary>
    public static byte[] Hash160(ReadOnlySpan<byte> data)
    {
        Span<byte> sha = stackalloc byte[32];
        SHA256.HashData(data, sha);
        return Hash(sha);
    }

    private static void Compress(Span<uint> h, ReadOnlySpan<byte> block)
    {
        Span<uint> x = stackalloc uint[16];
        for (var i = 0; i < 16; i++)
        {
            x[i] = BinaryPrimitives.ReadUInt32LittleEndian(block[(4 * i)..]);
        }

        uint al = h[0], bl = h[1], cl = h[2], dl = h[3], el = h[4];
        uint ar = al, br = bl, cr = cl, dr = dl, er = el;
        for (var j = 0; j < 80; j++)
        {
            var round = j >> 4;
            var t = BitOperations.RotateLeft(al + F(round, bl, cl, dl) + x[R[j]] + KLeft[round], S[j]) + el;
            al = el;
            el = dl;
            dl = BitOperations.RotateLeft(cl, 10);
            cl = bl;
            bl = t;

            // The right line applies the boolean functions in reverse order.
            t = BitOperations.RotateLeft(ar + F(4 - round, br, cr, dr) + x[RP[j]] + KRight[round], SP[j]) + er;
            ar = er;
            er = dr;
            dr = BitOperations.RotateLeft(cr, 10);
            cr = br;
            br = t;
        }

        var tmp = h[1] + cl + dr;
        h[1] = h[2] + dl + er;
        h[2] = h[3] + el + ar;
        h[3] = h[4] + al + br;
        h[4] = h[0] + bl + cr;
        h[0] = tmp;
    }

    private static uint F(int round, uint x, uint y, uint z) => round switch
    {
        0 => x ^ y ^ z,
        1 => (x & y) | (~x & z),
        2 => (x | ~y) ^ z,
        3 => (x & z) | (y & ~z),
        _ => x ^ (y | ~z),
    };
}
