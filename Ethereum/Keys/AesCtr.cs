using System.Security.Cryptography;

namespace WalletGrains.Ethereum.Keys;

/// <summary>
/// AES in counter mode, as Web3 Secret Storage's <c>aes-128-ctr</c> uses it: the 16-byte IV is the
/// first counter block, incremented as one big-endian 128-bit integer that wraps from 2^128-1 to 0.
/// The BCL has no CTR mode, so the keystream is AES-ECB encryption of the counter blocks.
/// </summary>
internal static class AesCtr
{
    public const int BlockSize = 16;

    /// <summary>Largest input handled; keystores encrypt 32 bytes.</summary>
    public const int MaxLength = 4096;

    /// <summary>XORs <paramref name="input"/> with the keystream into <paramref name="output"/> (encryption and decryption are the same).</summary>
    public static void Transform(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (iv.Length != BlockSize)
        {
            throw new ArgumentException($"The AES-CTR IV is {BlockSize} bytes, got {iv.Length}.", nameof(iv));
        }

        if (input.Length > MaxLength || output.Length < input.Length)
        {
            throw new ArgumentException($"AES-CTR input must be at most {MaxLength} bytes with room for the output; got {input.Length} in, {output.Length} out.", nameof(input));
        }

        var blocks = (input.Length + BlockSize - 1) / BlockSize;
        var counters = new byte[blocks * BlockSize];
        var keystream = new byte[counters.Length];
        Span<byte> counter = stackalloc byte[BlockSize];
        iv.CopyTo(counter);
        for (var b = 0; b < blocks; b++)
        {
            counter.CopyTo(counters.AsSpan(b * BlockSize));
            Increment(counter);
        }

        using (var aes = Aes.Create())
        {
            aes.SetKey(key);
            aes.EncryptEcb(counters, keystream, PaddingMode.None);
        }

        for (var i = 0; i < input.Length; i++)
        {
            output[i] = (byte)(input[i] ^ keystream[i]);
        }

        CryptographicOperations.ZeroMemory(keystream);
    }

    private static void Increment(Span<byte> counter)
    {
        for (var i = counter.Length - 1; i >= 0; i--)
        {
            if (++counter[i] != 0)
            {
                return;
            }
        }
    }
}
