using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using WalletGrains.Ethereum.Crypto;
using WalletGrains.Ethereum.Hex;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Ethereum.Keys;

/// <summary>
/// Web3 Secret Storage v3 keystore files: a private key encrypted with AES-128-CTR under a key derived
/// from a password by scrypt or PBKDF2-HMAC-SHA256, authenticated by
/// MAC = keccak256(derivedKey[16..32] ‖ ciphertext).
/// </summary>
/// <remarks>
/// Reading is lenient where real files differ: the <c>crypto</c> object may be spelled
/// <c>Crypto</c> (ethers, older geth), unknown fields are ignored, and a ciphertext shorter than 32
/// bytes (old clients dropped a key's leading zero bytes) decrypts to the key left-padded with zeros,
/// as go-ethereum does. Passwords are UTF-8 bytes without normalisation, as go-ethereum uses them.
/// The MAC is checked in constant time before anything is decrypted.
/// </remarks>
public static class KeystoreV3
{
    /// <summary>The only cipher of the format.</summary>
    public const string Cipher = "aes-128-ctr";

    /// <summary>Length of the derived key the format uses: 16 bytes of AES key, 16 bytes of MAC key.</summary>
    public const int DerivedKeyLength = 32;

    /// <summary>Largest <c>dklen</c> accepted when reading.</summary>
    public const int MaxDerivedKeyLength = 1024;

    /// <summary>Encrypts a 32-byte private key under <paramref name="password"/> (UTF-8) with scrypt.</summary>
    public static string Encrypt(ReadOnlySpan<byte> privateKey, string password, KeystoreV3Options? options = null)
    {
        ArgumentNullException.ThrowIfNull(password);
        var passwordBytes = Encoding.UTF8.GetBytes(password);
        try
        {
            return Encrypt(privateKey, passwordBytes, options);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passwordBytes);
        }
    }

    /// <summary>
    /// Encrypts a 32-byte private key with scrypt (<paramref name="options"/>, default
    /// <see cref="KeystoreV3Options.Standard"/>), a random 32-byte salt, a random IV and a random
    /// version-4 UUID. The JSON has go-ethereum's shape, with the address in lower case without 0x.
    /// </summary>
    public static string Encrypt(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> password, KeystoreV3Options? options = null)
    {
        options ??= KeystoreV3Options.Standard;
        if (!Secp256k1.IsValidPrivateKey(privateKey))
        {
            throw new ArgumentException($"The private key must be {Secp256k1.PrivateKeyLength} bytes and in [1, n-1] (got {privateKey.Length} bytes).", nameof(privateKey));
        }

        if (!Scrypt.TryValidateParameters(options.ScryptN, options.ScryptR, options.ScryptP, DerivedKeyLength, out var error))
        {
            throw new ArgumentException(error, nameof(options));
        }

        Span<byte> salt = stackalloc byte[32];
        Span<byte> iv = stackalloc byte[AesCtr.BlockSize];
        Span<byte> uuid = stackalloc byte[16];
        RandomNumberGenerator.Fill(salt);
        RandomNumberGenerator.Fill(iv);
        RandomNumberGenerator.Fill(uuid);
        uuid[6] = (byte)((uuid[6] & 0x0f) | 0x40); // RFC 4122 version 4
        uuid[8] = (byte)((uuid[8] & 0x3f) | 0x80); // RFC 4122 variant

        Span<byte> derived = stackalloc byte[DerivedKeyLength];
        Span<byte> ciphertext = stackalloc byte[Secp256k1.PrivateKeyLength];
        Span<byte> mac = stackalloc byte[32];
        try
        {
            Scrypt.DeriveKey(password, salt, options.ScryptN, options.ScryptR, options.ScryptP, derived);
            AesCtr.Transform(derived[..16], iv, privateKey, ciphertext);
            ComputeMac(derived, ciphertext, mac);
            var address = Address.FromPrivateKey(privateKey);

            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteString("address", HexConvert.ToHexNoPrefix(address.Bytes));
                json.WriteStartObject("crypto");
                json.WriteString("cipher", Cipher);
                json.WriteString("ciphertext", HexConvert.ToHexNoPrefix(ciphertext));
                json.WriteStartObject("cipherparams");
                json.WriteString("iv", HexConvert.ToHexNoPrefix(iv));
                json.WriteEndObject();
                json.WriteString("kdf", "scrypt");
                json.WriteStartObject("kdfparams");
                json.WriteNumber("dklen", DerivedKeyLength);
                json.WriteNumber("n", options.ScryptN);
                json.WriteNumber("p", options.ScryptP);
                json.WriteNumber("r", options.ScryptR);
                json.WriteString("salt", HexConvert.ToHexNoPrefix(salt));
                json.WriteEndObject();
                json.WriteString("mac", HexConvert.ToHexNoPrefix(mac));
                json.WriteEndObject();
                json.WriteString("id", FormatUuid(uuid));
                json.WriteNumber("version", 3);
                json.WriteEndObject();
            }

            return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(derived);
        }
    }

    /// <summary>Decrypts a keystore with a password (UTF-8); throws <see cref="KeystoreV3Exception"/> saying why it failed.</summary>
    public static byte[] Decrypt(string json, string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        var passwordBytes = Encoding.UTF8.GetBytes(password);
        try
        {
            return Decrypt(json, passwordBytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passwordBytes);
        }
    }

    /// <summary>Decrypts a keystore with password bytes; throws <see cref="KeystoreV3Exception"/> saying why it failed.</summary>
    public static byte[] Decrypt(string json, ReadOnlySpan<byte> password) =>
        TryDecrypt(json, password, out var key, out var error) ? key : throw new KeystoreV3Exception(error);

    /// <summary>
    /// Decrypts a keystore to its 32-byte private key. Fails with <see cref="KeystoreV3ErrorKind.WrongPassword"/>
    /// when the MAC does not match, and with other kinds for malformed or unsupported files, a
    /// decrypted value that is not a valid key, or an <c>address</c> field that does not match the key.
    /// </summary>
    public static bool TryDecrypt(string json, ReadOnlySpan<byte> password, [NotNullWhen(true)] out byte[]? privateKey, [NotNullWhen(false)] out KeystoreV3Error? error)
    {
        privateKey = null;
        if (!TryRead(json, out var file, out error))
        {
            return false;
        }

        var derived = new byte[file.Info.DerivedKeyLength];
        var plaintext = new byte[file.Ciphertext.Length];
        try
        {
            if (file.Info.Kdf == "scrypt")
            {
                Scrypt.DeriveKey(password, file.Salt, file.Info.ScryptN!.Value, file.Info.ScryptR!.Value, file.Info.ScryptP!.Value, derived);
            }
            else
            {
                Rfc2898DeriveBytes.Pbkdf2(password, file.Salt, derived, file.Info.Pbkdf2Iterations!.Value, HashAlgorithmName.SHA256);
            }

            Span<byte> mac = stackalloc byte[32];
            ComputeMac(derived, file.Ciphertext, mac);
            if (!CryptographicOperations.FixedTimeEquals(mac, file.Mac))
            {
                error = new KeystoreV3Error(KeystoreV3ErrorKind.WrongPassword, "Could not decrypt the keystore: wrong password (the MAC does not match), or the file is corrupted.");
                return false;
            }

            AesCtr.Transform(derived.AsSpan(0, 16), file.Iv, file.Ciphertext, plaintext);

            // Left-pad a short plaintext to 32 bytes: old clients stored keys without leading zero bytes.
            var key = new byte[Secp256k1.PrivateKeyLength];
            plaintext.CopyTo(key, key.Length - plaintext.Length);
            if (!Secp256k1.IsValidPrivateKey(key))
            {
                CryptographicOperations.ZeroMemory(key);
                error = new KeystoreV3Error(KeystoreV3ErrorKind.InvalidPrivateKey, "The keystore decrypts (MAC matches) to a value that is not a valid secp256k1 private key.");
                return false;
            }

            if (file.Info.Address is { } expected)
            {
                var actual = Address.FromPrivateKey(key);
                if (actual != expected)
                {
                    CryptographicOperations.ZeroMemory(key);
                    error = new KeystoreV3Error(KeystoreV3ErrorKind.AddressMismatch, $"The keystore's address field {expected} does not match its key's address {actual}.");
                    return false;
                }
            }

            privateKey = key;
            error = null;
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(derived);
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>Reads a keystore's public parts (id, address, cipher, KDF and its parameters) without a password.</summary>
    public static KeystoreV3Info Inspect(string json) =>
        TryRead(json, out var file, out var error) ? file.Info : throw new KeystoreV3Exception(error);

    /// <summary>Try-pattern form of <see cref="Inspect"/>.</summary>
    public static bool TryInspect(string json, [NotNullWhen(true)] out KeystoreV3Info? info, [NotNullWhen(false)] out KeystoreV3Error? error)
    {
        info = TryRead(json, out var file, out error) ? file.Info : null;
        return info is not null;
    }

    private static void ComputeMac(ReadOnlySpan<byte> derived, ReadOnlySpan<byte> ciphertext, Span<byte> mac)
    {
        Span<byte> input = stackalloc byte[16 + ciphertext.Length];
        derived.Slice(16, 16).CopyTo(input);
        ciphertext.CopyTo(input[16..]);
        Keccak256.Hash(input, mac);
        CryptographicOperations.ZeroMemory(input);
    }

    private static string FormatUuid(ReadOnlySpan<byte> b)
    {
        var hex = HexConvert.ToHexNoPrefix(b);
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }

    private sealed record ParsedFile(KeystoreV3Info Info, byte[] Salt, byte[] Iv, byte[] Ciphertext, byte[] Mac);

    private static bool TryRead(string json, [NotNullWhen(true)] out ParsedFile? file, [NotNullWhen(false)] out KeystoreV3Error? error)
    {
        ArgumentNullException.ThrowIfNull(json);
        file = null;
        try
        {
            using var document = JsonDocument.Parse(json);
            return TryRead(document.RootElement, out file, out error);
        }
        catch (JsonException e)
        {
            error = Malformed($"it is not valid JSON ({e.Message})");
            return false;
        }
    }

    private static bool TryRead(JsonElement root, [NotNullWhen(true)] out ParsedFile? file, [NotNullWhen(false)] out KeystoreV3Error? error)
    {
        file = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = Malformed("the top level is not a JSON object");
            return false;
        }

        if (!root.TryGetProperty("version", out var versionElement) || versionElement.ValueKind != JsonValueKind.Number ||
            !versionElement.TryGetInt32(out var version) || version != 3)
        {
            error = new KeystoreV3Error(KeystoreV3ErrorKind.UnsupportedVersion, $"Unsupported keystore: \"version\" must be the number 3, found {Describe(root, "version")}.");
            return false;
        }

        var hasLower = root.TryGetProperty("crypto", out var lower);
        var hasUpper = root.TryGetProperty("Crypto", out var upper);
        if (hasLower == hasUpper)
        {
            error = Malformed(hasLower ? "it has both \"crypto\" and \"Crypto\"" : "it has no \"crypto\" object");
            return false;
        }

        var crypto = hasLower ? lower : upper;
        if (crypto.ValueKind != JsonValueKind.Object)
        {
            error = Malformed("\"crypto\" is not an object");
            return false;
        }

        string? id = root.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : null;
        Address? address = null;
        if (root.TryGetProperty("address", out var addressElement) && addressElement.ValueKind != JsonValueKind.Null)
        {
            var text = addressElement.ValueKind == JsonValueKind.String ? addressElement.GetString()! : "";
            if (!Address.TryParse(HexConvert.HasPrefix(text) ? text : "0x" + text, out var parsed))
            {
                error = Malformed($"\"address\" ({HexConvert.Truncate(text)}) is not a 20-byte hex address");
                return false;
            }

            address = parsed;
        }

        var cipher = GetString(crypto, "cipher");
        if (cipher != Cipher)
        {
            error = new KeystoreV3Error(KeystoreV3ErrorKind.UnsupportedCipher, $"Unsupported keystore cipher {Describe(crypto, "cipher")}; only \"{Cipher}\" is defined.");
            return false;
        }

        if (!TryGetHex(crypto, "ciphertext", out var ciphertext, out error) || !TryGetHex(crypto, "mac", out var mac, out error))
        {
            return false;
        }

        if (ciphertext.Length is 0 or > Secp256k1.PrivateKeyLength)
        {
            error = Malformed($"\"ciphertext\" is {ciphertext.Length} bytes; a private key is 1 to {Secp256k1.PrivateKeyLength} bytes");
            return false;
        }

        if (mac.Length != 32)
        {
            error = Malformed($"\"mac\" is {mac.Length} bytes, expected 32");
            return false;
        }

        if (!crypto.TryGetProperty("cipherparams", out var cipherParams) || cipherParams.ValueKind != JsonValueKind.Object ||
            !TryGetHex(cipherParams, "iv", out var iv, out error))
        {
            error ??= Malformed("\"cipherparams\" is missing or not an object");
            return false;
        }

        if (iv.Length != AesCtr.BlockSize)
        {
            error = Malformed($"\"cipherparams.iv\" is {iv.Length} bytes, expected {AesCtr.BlockSize}");
            return false;
        }

        var kdf = GetString(crypto, "kdf");
        if (!crypto.TryGetProperty("kdfparams", out var kdfParams) || kdfParams.ValueKind != JsonValueKind.Object)
        {
            error = Malformed("\"kdfparams\" is missing or not an object");
            return false;
        }

        if (!TryGetHex(kdfParams, "salt", out var salt, out error))
        {
            return false;
        }

        if (!TryGetInt32(kdfParams, "dklen", out var dkLen) || dkLen is < DerivedKeyLength or > MaxDerivedKeyLength)
        {
            error = Invalid($"\"dklen\" must be a number from {DerivedKeyLength} to {MaxDerivedKeyLength}, found {Describe(kdfParams, "dklen")}");
            return false;
        }

        KeystoreV3Info info;
        if (kdf == "scrypt")
        {
            if (!kdfParams.TryGetProperty("n", out var nElement) || !nElement.TryGetInt64(out var n) ||
                !TryGetInt32(kdfParams, "r", out var r) || !TryGetInt32(kdfParams, "p", out var p))
            {
                error = Invalid("scrypt needs numbers \"n\", \"r\" and \"p\" in \"kdfparams\"");
                return false;
            }

            if (!Scrypt.TryValidateParameters(n, r, p, dkLen, out var scryptError))
            {
                error = Invalid(scryptError);
                return false;
            }

            info = new KeystoreV3Info(id, address, cipher, kdf, dkLen, n, r, p, null);
        }
        else if (kdf == "pbkdf2")
        {
            var prf = GetString(kdfParams, "prf");
            if (prf != "hmac-sha256")
            {
                error = new KeystoreV3Error(KeystoreV3ErrorKind.UnsupportedKdf, $"Unsupported pbkdf2 prf {Describe(kdfParams, "prf")}; only \"hmac-sha256\" is defined.");
                return false;
            }

            if (!TryGetInt32(kdfParams, "c", out var c) || c < 1)
            {
                error = Invalid($"pbkdf2 \"c\" must be a positive number, found {Describe(kdfParams, "c")}");
                return false;
            }

            info = new KeystoreV3Info(id, address, cipher, kdf, dkLen, null, null, null, c);
        }
        else
        {
            error = new KeystoreV3Error(KeystoreV3ErrorKind.UnsupportedKdf, $"Unsupported keystore kdf {Describe(crypto, "kdf")}; expected \"scrypt\" or \"pbkdf2\".");
            return false;
        }

        file = new ParsedFile(info, salt, iv, ciphertext, mac);
        error = null;
        return true;
    }

    private static string? GetString(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;

    private static bool TryGetInt32(JsonElement obj, string name, out int value)
    {
        value = 0;
        return obj.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out value);
    }

    private static bool TryGetHex(JsonElement obj, string name, [NotNullWhen(true)] out byte[]? bytes, [NotNullWhen(false)] out KeystoreV3Error? error)
    {
        bytes = null;
        var text = GetString(obj, name);
        if (text is null || !HexConvert.TryFromHex(text, out bytes))
        {
            error = Malformed($"\"{name}\" is missing or not a hex string");
            return false;
        }

        error = null;
        return true;
    }

    private static string Describe(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var e) ? HexConvert.Truncate(e.GetRawText()) : "nothing";

    private static KeystoreV3Error Malformed(string why) => new(KeystoreV3ErrorKind.Malformed, $"Malformed keystore: {why}.");

    private static KeystoreV3Error Invalid(string why) => new(KeystoreV3ErrorKind.InvalidKdfParameters, $"Invalid keystore KDF parameters: {why.TrimEnd('.')}.");
}

/// <summary>Scrypt cost parameters for new keystores.</summary>
/// <param name="ScryptN">CPU/memory cost, a power of two.</param>
/// <param name="ScryptR">Block size.</param>
/// <param name="ScryptP">Parallelism.</param>
public sealed record KeystoreV3Options(long ScryptN, int ScryptR, int ScryptP)
{
    /// <summary>go-ethereum's standard: N = 2^18, r = 8, p = 1 (256 MiB, about a second).</summary>
    public static KeystoreV3Options Standard { get; } = new(1 << 18, 8, 1);

    /// <summary>go-ethereum's light setting: N = 2^12, r = 8, p = 6.</summary>
    public static KeystoreV3Options Light { get; } = new(1 << 12, 8, 6);

    /// <summary>N = 2^10, r = 8, p = 1: fast and weak. For tests only.</summary>
    public static KeystoreV3Options InsecureFastForTests { get; } = new(1 << 10, 8, 1);
}

/// <summary>The public parts of a keystore file; no secret is needed to read them.</summary>
/// <param name="Id">The file's UUID text, if any.</param>
/// <param name="Address">The address field, if present (it is optional in the format).</param>
/// <param name="Cipher">Always <c>aes-128-ctr</c>.</param>
/// <param name="Kdf"><c>scrypt</c> or <c>pbkdf2</c>.</param>
/// <param name="DerivedKeyLength">The KDF's <c>dklen</c>.</param>
/// <param name="ScryptN">scrypt N, for scrypt.</param>
/// <param name="ScryptR">scrypt r, for scrypt.</param>
/// <param name="ScryptP">scrypt p, for scrypt.</param>
/// <param name="Pbkdf2Iterations">PBKDF2 iteration count <c>c</c>, for pbkdf2.</param>
public sealed record KeystoreV3Info(
    string? Id,
    Address? Address,
    string Cipher,
    string Kdf,
    int DerivedKeyLength,
    long? ScryptN,
    int? ScryptR,
    int? ScryptP,
    int? Pbkdf2Iterations);

/// <summary>Why a keystore could not be read or decrypted.</summary>
public enum KeystoreV3ErrorKind
{
    /// <summary>Not JSON, or a required field is missing or has the wrong shape.</summary>
    Malformed,

    /// <summary><c>version</c> is not 3.</summary>
    UnsupportedVersion,

    /// <summary>The cipher is not <c>aes-128-ctr</c>.</summary>
    UnsupportedCipher,

    /// <summary>The KDF is not scrypt or pbkdf2 with hmac-sha256.</summary>
    UnsupportedKdf,

    /// <summary>KDF parameters out of range (see <see cref="Scrypt.TryValidateParameters"/>).</summary>
    InvalidKdfParameters,

    /// <summary>The MAC does not match: wrong password or a corrupted file.</summary>
    WrongPassword,

    /// <summary>The MAC matches but the plaintext is not a valid secp256k1 private key.</summary>
    InvalidPrivateKey,

    /// <summary>The file's <c>address</c> field is not the address of the decrypted key.</summary>
    AddressMismatch,
}

/// <summary>A keystore failure: its kind and a message that never contains key material or the password.</summary>
public sealed record KeystoreV3Error(KeystoreV3ErrorKind Kind, string Message);

/// <summary>Thrown by <see cref="KeystoreV3.Decrypt(string, string)"/> and <see cref="KeystoreV3.Inspect"/>; carries the <see cref="KeystoreV3Error"/>.</summary>
public sealed class KeystoreV3Exception : Exception
{
    /// <summary>Creates the exception for an error.</summary>
    public KeystoreV3Exception(KeystoreV3Error error)
        : base(error?.Message)
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
    }

    /// <summary>What went wrong.</summary>
    public KeystoreV3Error Error { get; }

    /// <summary>Shortcut for <c>Error.Kind</c>.</summary>
    public KeystoreV3ErrorKind Kind => Error.Kind;
}
