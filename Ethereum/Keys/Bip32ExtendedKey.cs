using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using WalletGrains.Ethereum.Crypto;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Ethereum.Keys;

/// <summary>
/// A BIP-32 extended key: a secp256k1 key (private, or public only) with its chain code and its place
/// in the tree (depth, parent fingerprint, child index). Derives children and reads and writes the
/// Base58Check <c>xprv</c>/<c>xpub</c> form.
/// </summary>
/// <remarks>
/// Dispose a private key when done: that wipes the private key and chain code bytes. Key material
/// never appears in <see cref="ToString"/> or in exception messages.
/// </remarks>
public sealed class Bip32ExtendedKey : IDisposable
{
    /// <summary>Version bytes of a mainnet private key (<c>xprv</c>).</summary>
    public const uint XprvVersion = 0x0488ADE4;

    /// <summary>Version bytes of a mainnet public key (<c>xpub</c>).</summary>
    public const uint XpubVersion = 0x0488B21E;

    /// <summary>Length of the serialised form before Base58Check: 4 + 1 + 4 + 4 + 32 + 33.</summary>
    public const int SerializedLength = 78;

    /// <summary>Length of a chain code.</summary>
    public const int ChainCodeLength = 32;

    /// <summary>BIP-32 bounds the master seed to 128–512 bits.</summary>
    public const int MinSeedLength = 16;

    /// <inheritdoc cref="MinSeedLength" />
    public const int MaxSeedLength = 64;

    private static readonly byte[] MasterHmacKey = Encoding.ASCII.GetBytes("Bitcoin seed");

    private readonly byte[]? _privateKey;
    private readonly byte[] _chainCode;
    private readonly byte[] _publicKey;
    private bool _disposed;

    private Bip32ExtendedKey(byte[]? privateKey, byte[] publicKey, byte[] chainCode, byte depth, uint parentFingerprint, uint childIndex)
    {
        _privateKey = privateKey;
        _publicKey = publicKey;
        _chainCode = chainCode;
        Depth = depth;
        ParentFingerprint = parentFingerprint;
        ChildIndex = childIndex;
    }

    /// <summary>Steps from the master key (0 for the master).</summary>
    public byte Depth { get; }

    /// <summary>First four bytes of the parent's HASH160, big-endian (0 for the master).</summary>
    public uint ParentFingerprint { get; }

    /// <summary>Index this key was derived at (hardened indices include 2^31; 0 for the master).</summary>
    public uint ChildIndex { get; }

    /// <summary>True when the private key is present (an <c>xprv</c>).</summary>
    public bool IsPrivate => _privateKey is not null;

    /// <summary>The chain code.</summary>
    public ReadOnlySpan<byte> ChainCode => Alive()._chainCode;

    /// <summary>The 33-byte compressed public key.</summary>
    public ReadOnlySpan<byte> PublicKey => Alive()._publicKey;

    /// <summary>The 32-byte private key; throws for a public-only key.</summary>
    public ReadOnlySpan<byte> PrivateKey => Alive()._privateKey
        ?? throw new InvalidOperationException("This is a public (xpub) extended key; it has no private key.");

    /// <summary>HASH160 of the public key (RIPEMD-160 of SHA-256), the key identifier.</summary>
    public byte[] Identifier => Ripemd160.Hash160(PublicKey);

    /// <summary>First four bytes of <see cref="Identifier"/>, big-endian.</summary>
    public uint Fingerprint => BinaryPrimitives.ReadUInt32BigEndian(Identifier);

    /// <summary>The Ethereum address of this key's public key.</summary>
    public Address Address => Address.FromPublicKey(PublicKey);

    /// <summary>
    /// The master key of a seed: I = HMAC-SHA512(key "Bitcoin seed", seed); private key = I[0..32],
    /// chain code = I[32..64]. Throws in the (probability &lt; 2^-127) case that I[0..32] is 0 or ≥ n.
    /// </summary>
    public static Bip32ExtendedKey FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length is < MinSeedLength or > MaxSeedLength)
        {
            throw new ArgumentException($"A BIP-32 seed is {MinSeedLength} to {MaxSeedLength} bytes, got {seed.Length}.", nameof(seed));
        }

        Span<byte> i = stackalloc byte[64];
        HMACSHA512.HashData(MasterHmacKey, seed, i);
        try
        {
            var privateKey = i[..32].ToArray();
            if (!Secp256k1.IsValidPrivateKey(privateKey))
            {
                CryptographicOperations.ZeroMemory(privateKey);
                throw new ArgumentException("This seed yields an invalid BIP-32 master key (IL is 0 or not below the curve order); use another seed.", nameof(seed));
            }

            return new Bip32ExtendedKey(privateKey, Secp256k1.CreatePublicKey(privateKey, compressed: true), i[32..].ToArray(), 0, 0, 0);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(i);
        }
    }

    /// <summary>Parses an <c>xprv</c> or <c>xpub</c>; throws <see cref="FormatException"/> with the reason.</summary>
    public static Bip32ExtendedKey Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var key, out var error) ? key : throw new FormatException(error);
    }

    /// <summary>Try-pattern form of <see cref="Parse"/>.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out Bip32ExtendedKey? key) => TryParse(text, out key, out _);

    /// <summary>
    /// Strictly parses a mainnet <c>xprv</c>/<c>xpub</c>: Base58Check checksum, 78 bytes, known version,
    /// key data matching the version (0x00 ‖ k with k in [1, n-1] for xprv; a valid compressed point
    /// for xpub), and depth 0 only with a zero parent fingerprint and child index.
    /// </summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out Bip32ExtendedKey? key, [NotNullWhen(false)] out string? error)
    {
        key = null;
        if (text is null)
        {
            error = "The extended key text is null.";
            return false;
        }

        if (!Base58Check.TryDecode(text, out var data, out var decodeError))
        {
            error = "Not a valid extended key: " + decodeError;
            return false;
        }

        try
        {
            return TryParsePayload(data, out key, out error);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(data);
        }
    }

    private static bool TryParsePayload(byte[] data, [NotNullWhen(true)] out Bip32ExtendedKey? key, [NotNullWhen(false)] out string? error)
    {
        key = null;
        if (data.Length != SerializedLength)
        {
            error = $"Not a valid extended key: the payload is {data.Length} bytes, expected {SerializedLength}.";
            return false;
        }

        var version = BinaryPrimitives.ReadUInt32BigEndian(data);
        var depth = data[4];
        var parentFingerprint = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(5));
        var childIndex = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(9));
        var chainCode = data.AsSpan(13, ChainCodeLength);
        var keyData = data.AsSpan(45, 33);

        if (version is not (XprvVersion or XpubVersion))
        {
            error = $"Not a valid extended key: unknown version 0x{version:x8} (expected xprv 0x{XprvVersion:x8} or xpub 0x{XpubVersion:x8}).";
            return false;
        }

        if (depth == 0 && parentFingerprint != 0)
        {
            error = $"Not a valid extended key: depth 0 (master) with non-zero parent fingerprint 0x{parentFingerprint:x8}.";
            return false;
        }

        if (depth == 0 && childIndex != 0)
        {
            error = $"Not a valid extended key: depth 0 (master) with non-zero child index {childIndex}.";
            return false;
        }

        if (version == XprvVersion)
        {
            if (keyData[0] != 0x00)
            {
                error = $"Not a valid extended key: an xprv's key data must start with 0x00, found 0x{keyData[0]:x2}.";
                return false;
            }

            var privateKey = keyData[1..].ToArray();
            if (!Secp256k1.IsValidPrivateKey(privateKey))
            {
                CryptographicOperations.ZeroMemory(privateKey);
                error = "Not a valid extended key: the private key is 0 or not below the curve order n.";
                return false;
            }

            key = new Bip32ExtendedKey(privateKey, Secp256k1.CreatePublicKey(privateKey, compressed: true), chainCode.ToArray(), depth, parentFingerprint, childIndex);
            error = null;
            return true;
        }

        if (keyData[0] is not (0x02 or 0x03))
        {
            error = $"Not a valid extended key: an xpub's key data must be a compressed point starting with 0x02 or 0x03, found 0x{keyData[0]:x2}.";
            return false;
        }

        if (!Secp256k1.TryConvertPublicKey(keyData, compressed: true, out var publicKey))
        {
            error = "Not a valid extended key: the xpub's public key is not a point on secp256k1.";
            return false;
        }

        key = new Bip32ExtendedKey(null, publicKey, chainCode.ToArray(), depth, parentFingerprint, childIndex);
        error = null;
        return true;
    }

    /// <summary>The Base58Check <c>xprv</c>; throws for a public-only key.</summary>
    public string ToXprv()
    {
        var privateKey = PrivateKey;
        Span<byte> keyData = stackalloc byte[33];
        keyData[0] = 0;
        privateKey.CopyTo(keyData[1..]);
        try
        {
            return Serialize(XprvVersion, keyData);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keyData);
        }
    }

    /// <summary>The Base58Check <c>xpub</c>.</summary>
    public string ToXpub() => Serialize(XpubVersion, PublicKey);

    /// <summary>The public-only twin of this key (same public key, chain code and position).</summary>
    public Bip32ExtendedKey Neuter() =>
        new(null, _publicKey.ToArray(), Alive()._chainCode.ToArray(), Depth, ParentFingerprint, ChildIndex);

    /// <summary>
    /// Child key at <paramref name="index"/> (≥ 2^31 is hardened). Private keys derive private
    /// children; public keys derive public children and cannot derive hardened ones.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// Hardened from a public key, depth 255 exceeded, or (probability &lt; 2^-127) the index yields an
    /// invalid key, in which case BIP-32 says to use the next index.
    /// </exception>
    public Bip32ExtendedKey DeriveChild(uint index)
    {
        if (TryDeriveChild(index, out var child, out var error))
        {
            return child;
        }

        throw new InvalidOperationException(error);
    }

    /// <summary>Try-pattern form of <see cref="DeriveChild"/>; false with the reason when no child exists at that index.</summary>
    public bool TryDeriveChild(uint index, [NotNullWhen(true)] out Bip32ExtendedKey? child, [NotNullWhen(false)] out string? error)
    {
        Alive();
        child = null;
        var hardened = KeyPath.IsHardened(index);
        if (Depth == byte.MaxValue)
        {
            error = "Cannot derive below depth 255 (BIP-32 depth is one byte).";
            return false;
        }

        if (hardened && _privateKey is null)
        {
            error = $"Cannot derive hardened child {index & ~KeyPath.HardenedOffset}' from a public (xpub) key.";
            return false;
        }

        // Hardened: data = 0x00 ‖ k ‖ ser32(i); normal: data = serP(K) ‖ ser32(i).
        Span<byte> data = stackalloc byte[37];
        if (hardened)
        {
            data[0] = 0;
            _privateKey.CopyTo(data[1..]);
        }
        else
        {
            _publicKey.CopyTo(data);
        }

        BinaryPrimitives.WriteUInt32BigEndian(data[33..], index);
        Span<byte> i = stackalloc byte[64];
        HMACSHA512.HashData(_chainCode, data, i);
        CryptographicOperations.ZeroMemory(data);
        try
        {
            var tweak = i[..32];
            var chainCode = i[32..].ToArray();
            var fingerprint = Fingerprint;
            if (_privateKey is not null)
            {
                // k_i = parse256(IL) + k_par (mod n); invalid when IL ≥ n or k_i = 0.
                var childKey = _privateKey.ToArray();
                if (!Secp256k1.TryTweakAddPrivateKey(childKey, tweak))
                {
                    CryptographicOperations.ZeroMemory(childKey);
                    CryptographicOperations.ZeroMemory(chainCode);
                    error = $"Child index {index} yields an invalid key (IL ≥ n or a zero key); BIP-32 says to proceed with the next index.";
                    return false;
                }

                child = new Bip32ExtendedKey(childKey, Secp256k1.CreatePublicKey(childKey, compressed: true), chainCode, (byte)(Depth + 1), fingerprint, index);
            }
            else
            {
                // K_i = point(parse256(IL)) + K_par; invalid when IL ≥ n or K_i is the point at infinity.
                if (!Secp256k1.TryTweakAddPublicKey(_publicKey, tweak, out var childPublic))
                {
                    error = $"Child index {index} yields an invalid key (IL ≥ n or the point at infinity); BIP-32 says to proceed with the next index.";
                    return false;
                }

                child = new Bip32ExtendedKey(null, childPublic, chainCode, (byte)(Depth + 1), fingerprint, index);
            }

            error = null;
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(i);
        }
    }

    /// <summary>
    /// Follows <paramref name="path"/> from this key (the path's <c>m</c> stands for this key);
    /// intermediate keys are wiped as soon as their child exists.
    /// </summary>
    public Bip32ExtendedKey Derive(KeyPath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Alive();
        if (Depth + path.Depth > byte.MaxValue)
        {
            throw new InvalidOperationException($"Deriving {path} from depth {Depth} would exceed BIP-32's maximum depth of 255.");
        }

        var current = this;
        foreach (var index in path.Indices)
        {
            var next = current.DeriveChild(index);
            if (!ReferenceEquals(current, this))
            {
                current.Dispose();
            }

            current = next;
        }

        return ReferenceEquals(current, this) ? Clone() : current;
    }

    /// <summary>Follows a path given as text, e.g. <c>m/44'/60'/0'/0</c>.</summary>
    public Bip32ExtendedKey Derive(string path) => Derive(KeyPath.Parse(path));

    /// <summary>Wipes the private key and chain code.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_privateKey is not null)
        {
            CryptographicOperations.ZeroMemory(_privateKey);
        }

        CryptographicOperations.ZeroMemory(_chainCode);
    }

    /// <summary>Position and kind only; no key material.</summary>
    public override string ToString() =>
        $"Bip32ExtendedKey({(IsPrivate ? "private" : "public")}, depth {Depth}, child {FormatIndex(ChildIndex)}, parent fingerprint 0x{ParentFingerprint:x8})";

    private static string FormatIndex(uint index) =>
        KeyPath.IsHardened(index) ? $"{index & ~KeyPath.HardenedOffset}'" : index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private Bip32ExtendedKey Clone() =>
        new(_privateKey?.ToArray(), _publicKey.ToArray(), _chainCode.ToArray(), Depth, ParentFingerprint, ChildIndex);

    private string Serialize(uint version, ReadOnlySpan<byte> keyData)
    {
        Span<byte> data = stackalloc byte[SerializedLength];
        BinaryPrimitives.WriteUInt32BigEndian(data, version);
        data[4] = Depth;
        BinaryPrimitives.WriteUInt32BigEndian(data[5..], ParentFingerprint);
        BinaryPrimitives.WriteUInt32BigEndian(data[9..], ChildIndex);
        _chainCode.CopyTo(data[13..]);
        keyData.CopyTo(data[45..]);
        try
        {
            return Base58Check.Encode(data);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(data);
        }
    }

    private Bip32ExtendedKey Alive()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return this;
    }
}
