using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace WalletGrains.Ethereum.Keys;

/// <summary>
/// The scrypt key derivation function (RFC 7914): PBKDF2-HMAC-SHA256 around p independent ROMix
/// lanes built on BlockMix and the Salsa20/8 core. Used by Web3 Secret Storage keystores.
/// </summary>
/// <remarks>
/// RFC 7914 asks for N &lt; 2^(128·r/8), but canonical keystores break it (the Web3 Secret Storage
/// wiki vector uses N = 2^18 with r = 1, which go-ethereum accepts), so that bound is deliberately
/// not enforced. Instead each lane's memory, 128·r·N bytes, is capped at <see cref="MaxLaneMemoryBytes"/>.
/// Lanes run in parallel up to the processor count while their combined memory stays under that cap.
/// </remarks>
public static class Scrypt
{
    /// <summary>Largest 128·r·N (one lane's V array) accepted: 1 GiB, enough for RFC 7914's N = 2^20, r = 8.</summary>
    public const long MaxLaneMemoryBytes = 1L << 30;

    /// <summary>Largest derived key accepted; keystores use 32 bytes.</summary>
    public const int MaxKeyLength = 1 << 20;

    /// <summary>Derives <paramref name="keyLength"/> bytes; throws <see cref="ArgumentException"/> for invalid parameters.</summary>
    public static byte[] DeriveKey(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, long n, int r, int p, int keyLength)
    {
        ThrowIfInvalid(n, r, p, keyLength);
        var key = new byte[keyLength];
        DeriveKey(password, salt, n, r, p, key);
        return key;
    }

    /// <summary>Derives <c>destination.Length</c> bytes into <paramref name="destination"/>.</summary>
    public static void DeriveKey(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, long n, int r, int p, Span<byte> destination)
    {
        ThrowIfInvalid(n, r, p, destination.Length);
        var laneBytes = 128 * r;
        var b = new byte[(long)laneBytes * p];
        try
        {
            Rfc2898DeriveBytes.Pbkdf2(password, salt, b, 1, HashAlgorithmName.SHA256);
            var laneMemory = 128L * r * n;
            var degree = (int)Math.Min(Math.Min(p, Environment.ProcessorCount), Math.Max(1, MaxLaneMemoryBytes / laneMemory));
            if (degree <= 1)
            {
                for (var lane = 0; lane < p; lane++)
                {
                    RoMix(b.AsSpan(lane * laneBytes, laneBytes), (int)n, r);
                }
            }
            else
            {
                Parallel.For(0, p, new ParallelOptions { MaxDegreeOfParallelism = degree }, lane =>
                    RoMix(b.AsSpan(lane * laneBytes, laneBytes), (int)n, r));
            }

            Rfc2898DeriveBytes.Pbkdf2(password, b, destination, 1, HashAlgorithmName.SHA256);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(b);
        }
    }

    /// <summary>
    /// Checks scrypt parameters: N a power of two above 1, r ≥ 1, p ≥ 1, r·p &lt; 2^30 (RFC 7914's
    /// bound on p), 128·r·N and 128·r·p each at most <see cref="MaxLaneMemoryBytes"/>, and
    /// 1 ≤ keyLength ≤ <see cref="MaxKeyLength"/>.
    /// </summary>
    public static bool TryValidateParameters(long n, int r, int p, int keyLength, [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (n <= 1 || !BitOperations.IsPow2(n))
        {
            error = $"scrypt N must be a power of two greater than 1, got {n}.";
        }
        else if (r < 1)
        {
            error = $"scrypt r must be at least 1, got {r}.";
        }
        else if (p < 1)
        {
            error = $"scrypt p must be at least 1, got {p}.";
        }
        else if ((long)r * p >= 1L << 30)
        {
            error = $"scrypt r·p must be below 2^30, got r={r}, p={p}.";
        }
        else if (128L * r * n > MaxLaneMemoryBytes)
        {
            error = $"scrypt N={n}, r={r} needs 128·r·N = {128L * r * n} bytes per lane, more than the {MaxLaneMemoryBytes}-byte limit.";
        }
        else if (128L * r * p > MaxLaneMemoryBytes)
        {
            error = $"scrypt r={r}, p={p} needs 128·r·p = {128L * r * p} bytes of lane state, more than the {MaxLaneMemoryBytes}-byte limit.";
        }
        else if (keyLength is < 1 or > MaxKeyLength)
        {
            error = $"scrypt key length must be 1 to {MaxKeyLength} bytes, got {keyLength}.";
        }

        return error is null;
    }

    private static void ThrowIfInvalid(long n, int r, int p, int keyLength)
    {
        if (!TryValidateParameters(n, r, p, keyLength, out var error))
        {
            throw new ArgumentException(error);
        }
    }

    /// <summary>
    /// Word order inside each 64-byte block while ROMix runs: the Salsa20 matrix's diagonals
    /// (x0 x5 x10 x15 | x4 x9 x14 x3 | x8 x13 x2 x7 | x12 x1 x6 x11), so that every quarter-round
    /// step works on four whole Vector128 rows. XOR and add are word-wise, so they do not care about
    /// the order, and Integerify's word x0 stays first.
    /// </summary>
    private static ReadOnlySpan<byte> Diagonal => [0, 5, 10, 15, 4, 9, 14, 3, 8, 13, 2, 7, 12, 1, 6, 11];

    /// <summary>ROMix on one 128·r-byte lane, in place.</summary>
    /// <remarks>Fully optimised from the first call: a process often derives one key, and tier-0 code would make that call several times slower.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void RoMix(Span<byte> lane, int n, int r)
    {
        var words = 32 * r;

        // V holds N blocks; V[i+1] = BlockMix(V[i]) is written straight into V, so no copies.
        var v = GC.AllocateUninitializedArray<uint>(checked(words * n));
        var x = new uint[words];
        var y = new uint[words];
        try
        {
            for (var k = 0; k < words; k++)
            {
                var block = k & ~15;
                v[k] = BinaryPrimitives.ReadUInt32LittleEndian(lane[(4 * (block + Diagonal[k & 15]))..]);
            }

            fixed (uint* pv = v)
            fixed (uint* px = x)
            fixed (uint* py = y)
            {
                for (var i = 0; i < n - 1; i++)
                {
                    BlockMix(pv + (long)i * words, null, pv + (long)(i + 1) * words, r);
                }

                BlockMix(pv + (long)(n - 1) * words, null, px, r);

                uint* cur = px, next = py;
                var mask = (uint)(n - 1);
                var lastBlock = (2 * r - 1) * 16;
                for (var i = 0; i < n; i++)
                {
                    // Integerify: the low 32 bits of the last 64-byte block suffice because N ≤ 2^32.
                    var j = cur[lastBlock] & mask;
                    BlockMix(cur, pv + (long)j * words, next, r);
                    var swap = cur;
                    cur = next;
                    next = swap;
                }

                for (var k = 0; k < words; k++)
                {
                    var block = k & ~15;
                    BinaryPrimitives.WriteUInt32LittleEndian(lane[(4 * (block + Diagonal[k & 15]))..], cur[k]);
                }
            }
        }
        finally
        {
            // V and the work blocks are password-derived.
            Array.Clear(v);
            Array.Clear(x);
            Array.Clear(y);
        }
    }

    /// <summary>
    /// BlockMix of (b XOR v) into y (v may be null): X = last block; for each block i, X = Salsa(X ⊕ block i),
    /// written to y at position i/2 for even i and r + i/2 for odd i.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void BlockMix(uint* b, uint* v, uint* y, int r)
    {
        var blocks = 2 * r;
        var last = b + (blocks - 1) * 16;
        var x0 = Vector128.Load(last);
        var x1 = Vector128.Load(last + 4);
        var x2 = Vector128.Load(last + 8);
        var x3 = Vector128.Load(last + 12);
        if (v is not null)
        {
            var lastV = v + (blocks - 1) * 16;
            x0 ^= Vector128.Load(lastV);
            x1 ^= Vector128.Load(lastV + 4);
            x2 ^= Vector128.Load(lastV + 8);
            x3 ^= Vector128.Load(lastV + 12);
        }

        for (var i = 0; i < blocks; i++)
        {
            var bi = b + i * 16;
            x0 ^= Vector128.Load(bi);
            x1 ^= Vector128.Load(bi + 4);
            x2 ^= Vector128.Load(bi + 8);
            x3 ^= Vector128.Load(bi + 12);
            if (v is not null)
            {
                var vi = v + i * 16;
                x0 ^= Vector128.Load(vi);
                x1 ^= Vector128.Load(vi + 4);
                x2 ^= Vector128.Load(vi + 8);
                x3 ^= Vector128.Load(vi + 12);
            }

            Salsa208(ref x0, ref x1, ref x2, ref x3);
            var dest = y + ((i & 1) == 0 ? i >> 1 : r + (i >> 1)) * 16;
            x0.Store(dest);
            x1.Store(dest + 4);
            x2.Store(dest + 8);
            x3.Store(dest + 12);
        }
    }

    /// <summary>
    /// Salsa20/8 core on a block in diagonal order (a, b, c, d rows): output = input + 8 rounds(input).
    /// A column round is four row-wise steps; a row round is the same after rotating b, c and d.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Salsa208(ref Vector128<uint> a, ref Vector128<uint> b, ref Vector128<uint> c, ref Vector128<uint> d)
    {
        Vector128<uint> a0 = a, b0 = b, c0 = c, d0 = d;
        for (var round = 0; round < 8; round += 2)
        {
            // Column round: quarter-rounds (0,4,8,12) (5,9,13,1) (10,14,2,6) (15,3,7,11).
            b ^= Rotl(a + d, 7);
            c ^= Rotl(b + a, 9);
            d ^= Rotl(c + b, 13);
            a ^= Rotl(d + c, 18);

            // Row round: quarter-rounds (0,1,2,3) (5,6,7,4) (10,11,8,9) (15,12,13,14).
            b = Vector128.Shuffle(b, Vector128.Create(3u, 0, 1, 2)); // x3 x4 x9 x14
            c = Vector128.Shuffle(c, Vector128.Create(2u, 3, 0, 1)); // x2 x7 x8 x13
            d = Vector128.Shuffle(d, Vector128.Create(1u, 2, 3, 0)); // x1 x6 x11 x12
            d ^= Rotl(a + b, 7);
            c ^= Rotl(d + a, 9);
            b ^= Rotl(c + d, 13);
            a ^= Rotl(b + c, 18);
            b = Vector128.Shuffle(b, Vector128.Create(1u, 2, 3, 0));
            c = Vector128.Shuffle(c, Vector128.Create(2u, 3, 0, 1));
            d = Vector128.Shuffle(d, Vector128.Create(3u, 0, 1, 2));
        }

        a += a0;
        b += b0;
        c += c0;
        d += d0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> Rotl(Vector128<uint> value, [ConstantExpected(Min = 1, Max = 31)] int count) =>
        Vector128.ShiftLeft(value, count) | Vector128.ShiftRightLogical(value, 32 - count);
}
