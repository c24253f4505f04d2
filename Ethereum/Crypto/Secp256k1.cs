using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace WalletGrains.Ethereum.Crypto;

/// <summary>
/// secp256k1 through P/Invoke to the system's libsecp256k1 (Debian <c>libsecp256k1-1</c>, built with
/// the recovery module). Signing is RFC 6979 deterministic and always yields low-s signatures.
/// One context serves all threads: libsecp256k1 allows concurrent use of a const context.
/// </summary>
public static unsafe partial class Secp256k1
{
    private const string Library = "secp256k1";

    /// <summary>SECP256K1_CONTEXT_SIGN | SECP256K1_CONTEXT_VERIFY (flags are ignored since 0.2.0 but kept for older builds).</summary>
    private const uint ContextFlags = (1u << 0) | (1u << 8) | (1u << 9);

    private const uint EcCompressed = (1u << 1) | (1u << 8);
    private const uint EcUncompressed = 1u << 1;

    /// <summary>Length of a private key.</summary>
    public const int PrivateKeyLength = 32;

    /// <summary>Length of a compact signature (r ‖ s).</summary>
    public const int SignatureLength = 64;

    /// <summary>Length of an uncompressed public key (0x04 ‖ X ‖ Y).</summary>
    public const int UncompressedPublicKeyLength = 65;

    /// <summary>Length of a compressed public key (0x02/0x03 ‖ X).</summary>
    public const int CompressedPublicKeyLength = 33;

    private static readonly nint Context = CreateContext();

    private static nint CreateContext()
    {
        NativeLibrary.SetDllImportResolver(typeof(Secp256k1).Assembly, Resolve);
        var ctx = secp256k1_context_create(ContextFlags);
        if (ctx == 0)
        {
            throw new InvalidOperationException("secp256k1_context_create returned null.");
        }

        Span<byte> seed = stackalloc byte[32];
        System.Security.Cryptography.RandomNumberGenerator.Fill(seed);
        fixed (byte* s = seed)
        {
            // Blinding against side channels; a failure leaves the context usable but unblinded.
            _ = secp256k1_context_randomize(ctx, s);
        }

        return ctx;
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != Library)
        {
            return 0;
        }

        foreach (var candidate in new[] { "libsecp256k1.so.1", "libsecp256k1.so.2", "libsecp256k1.so", "libsecp256k1.dylib", "libsecp256k1" })
        {
            if (NativeLibrary.TryLoad(candidate, assembly, path, out var handle))
            {
                return handle;
            }
        }

        throw new DllNotFoundException("libsecp256k1 was not found. On Debian/Ubuntu install it with: apt-get install libsecp256k1-1");
    }

    /// <summary>True when the key is in [1, n-1].</summary>
    public static bool IsValidPrivateKey(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != PrivateKeyLength)
        {
            return false;
        }

        fixed (byte* k = privateKey)
        {
            return secp256k1_ec_seckey_verify(Context, k) == 1;
        }
    }

    /// <summary>Signs a 32-byte hash; writes r ‖ s into <paramref name="signature"/> and returns the recovery id (0 or 1).</summary>
    [SkipLocalsInit]
    public static int SignRecoverable(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> privateKey, Span<byte> signature)
    {
        CheckLength(hash, 32, nameof(hash));
        CheckLength(privateKey, PrivateKeyLength, nameof(privateKey));
        CheckLength(signature, SignatureLength, nameof(signature));

        RecoverableSignature sig;
        int recId;
        fixed (byte* h = hash)
        fixed (byte* k = privateKey)
        fixed (byte* o = signature)
        {
            if (secp256k1_ecdsa_sign_recoverable(Context, &sig, h, k, 0, 0) != 1)
            {
                throw new ArgumentException("The private key is not a valid secp256k1 scalar.", nameof(privateKey));
            }

            _ = secp256k1_ecdsa_recoverable_signature_serialize_compact(Context, o, &recId, &sig);
        }

        return recId;
    }

    /// <summary>
    /// Recovers the uncompressed public key (65 bytes) from a hash, r ‖ s and recovery id. Returns
    /// false for r or s out of range or a signature that recovers no point.
    /// </summary>
    [SkipLocalsInit]
    public static bool TryRecover(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> signature, int recoveryId, Span<byte> publicKey)
    {
        CheckLength(hash, 32, nameof(hash));
        CheckLength(signature, SignatureLength, nameof(signature));
        CheckLength(publicKey, UncompressedPublicKeyLength, nameof(publicKey));
        if (recoveryId is < 0 or > 3)
        {
            return false;
        }

        RecoverableSignature sig;
        PublicKey pub;
        fixed (byte* h = hash)
        fixed (byte* s = signature)
        fixed (byte* o = publicKey)
        {
            if (secp256k1_ecdsa_recoverable_signature_parse_compact(Context, &sig, s, recoveryId) != 1)
            {
                return false;
            }

            if (secp256k1_ecdsa_recover(Context, &pub, &sig, h) != 1)
            {
                return false;
            }

            nuint len = UncompressedPublicKeyLength;
            _ = secp256k1_ec_pubkey_serialize(Context, o, &len, &pub, EcUncompressed);
        }

        return true;
    }

    /// <summary>Public key of a private key, 33 bytes compressed or 65 bytes uncompressed.</summary>
    public static byte[] CreatePublicKey(ReadOnlySpan<byte> privateKey, bool compressed)
    {
        CheckLength(privateKey, PrivateKeyLength, nameof(privateKey));
        PublicKey pub;
        fixed (byte* k = privateKey)
        {
            if (secp256k1_ec_pubkey_create(Context, &pub, k) != 1)
            {
                throw new ArgumentException("The private key is not a valid secp256k1 scalar.", nameof(privateKey));
            }
        }

        return Serialize(&pub, compressed);
    }

    /// <summary>Re-encodes a 33- or 65-byte public key; false when it is not a curve point.</summary>
    public static bool TryConvertPublicKey(ReadOnlySpan<byte> publicKey, bool compressed, out byte[] converted)
    {
        converted = [];
        PublicKey pub;
        fixed (byte* p = publicKey)
        {
            if (secp256k1_ec_pubkey_parse(Context, &pub, p, (nuint)publicKey.Length) != 1)
            {
                return false;
            }
        }

        converted = Serialize(&pub, compressed);
        return true;
    }

    /// <summary>key := (key + tweak) mod n, as BIP-32 private child derivation needs; false if the result is invalid.</summary>
    public static bool TryTweakAddPrivateKey(Span<byte> privateKey, ReadOnlySpan<byte> tweak)
    {
        CheckLength(privateKey, PrivateKeyLength, nameof(privateKey));
        CheckLength(tweak, 32, nameof(tweak));
        fixed (byte* k = privateKey)
        fixed (byte* t = tweak)
        {
            return secp256k1_ec_seckey_tweak_add(Context, k, t) == 1;
        }
    }

    /// <summary>point := point + tweak·G (BIP-32 public child derivation); returns the compressed result.</summary>
    public static bool TryTweakAddPublicKey(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> tweak, out byte[] compressedResult)
    {
        CheckLength(tweak, 32, nameof(tweak));
        compressedResult = [];
        PublicKey pub;
        fixed (byte* p = publicKey)
        fixed (byte* t = tweak)
        {
            if (secp256k1_ec_pubkey_parse(Context, &pub, p, (nuint)publicKey.Length) != 1)
            {
                return false;
            }

            if (secp256k1_ec_pubkey_tweak_add(Context, &pub, t) != 1)
            {
                return false;
            }
        }

        compressedResult = Serialize(&pub, compressed: true);
        return true;
    }

    private static byte[] Serialize(PublicKey* pub, bool compressed)
    {
        var output = new byte[compressed ? CompressedPublicKeyLength : UncompressedPublicKeyLength];
        nuint len = (nuint)output.Length;
        fixed (byte* o = output)
        {
            _ = secp256k1_ec_pubkey_serialize(Context, o, &len, pub, compressed ? EcCompressed : EcUncompressed);
        }

        return output;
    }

    private static void CheckLength(ReadOnlySpan<byte> span, int expected, string name)
    {
        if (span.Length != expected)
        {
            throw new ArgumentException($"{name} must be {expected} bytes, got {span.Length}.", name);
        }
    }

    [StructLayout(LayoutKind.Sequential, Size = 65)]
    private struct RecoverableSignature
    {
    }

    [StructLayout(LayoutKind.Sequential, Size = 64)]
    private struct PublicKey
    {
    }

    [LibraryImport(Library)]
    private static partial nint secp256k1_context_create(uint flags);

    [LibraryImport(Library)]
    private static partial int secp256k1_context_randomize(nint ctx, byte* seed32);

    [LibraryImport(Library)]
    private static partial int secp256k1_ec_seckey_verify(nint ctx, byte* seckey);

    [LibraryImport(Library)]
    private static partial int secp256k1_ecdsa_sign_recoverable(nint ctx, RecoverableSignature* sig, byte* msghash32, byte* seckey, nint noncefp, nint ndata);

    [LibraryImport(Library)]
    private static partial int secp256k1_ecdsa_recoverable_signature_serialize_compact(nint ctx, byte* output64, int* recid, RecoverableSignature* sig);

    [LibraryImport(Library)]
    private static partial int secp256k1_ecdsa_recoverable_signature_parse_compact(nint ctx, RecoverableSignature* sig, byte* input64, int recid);

    [LibraryImport(Library)]
    private static partial int secp256k1_ecdsa_recover(nint ctx, PublicKey* pubkey, RecoverableSignature* sig, byte* msghash32);

    [LibraryImport(Library)]
    private static partial int secp256k1_ec_pubkey_create(nint ctx, PublicKey* pubkey, byte* seckey);

    [LibraryImport(Library)]
    private static partial int secp256k1_ec_pubkey_serialize(nint ctx, byte* output, nuint* outputlen, PublicKey* pubkey, uint flags);

    [LibraryImport(Library)]
    private static partial int secp256k1_ec_pubkey_parse(nint ctx, PublicKey* pubkey, byte* input, nuint inputlen);

    [LibraryImport(Library)]
    private static partial int secp256k1_ec_seckey_tweak_add(nint ctx, byte* seckey, byte* tweak32);

    [LibraryImport(Library)]
    private static partial int secp256k1_ec_pubkey_tweak_add(nint ctx, PublicKey* pubkey, byte* tweak32);
}
