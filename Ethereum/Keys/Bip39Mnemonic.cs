using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace WalletGrains.Ethereum.Keys;

/// <summary>
/// A valid BIP-39 English mnemonic: 12–24 words from the English list whose last bits are a SHA-256
/// checksum of the entropy. Turns into a 64-byte seed for <see cref="Bip32ExtendedKey.FromSeed"/>.
/// </summary>
/// <remarks>
/// The words are secret: <see cref="ToString"/> shows only the word count, and errors name a word's
/// position, never the word. The phrase lives in an immutable string, which cannot be wiped.
/// </remarks>
public sealed class Bip39Mnemonic
{
    /// <summary>Number of words in the English list (2^11: each word carries 11 bits).</summary>
    public const int WordListLength = 2048;

    /// <summary>Seed length in bytes (PBKDF2-HMAC-SHA512 output).</summary>
    public const int SeedLength = 64;

    /// <summary>BIP-39 PBKDF2 iteration count.</summary>
    public const int Pbkdf2Iterations = 2048;

    private const string ResourceName = "WalletGrains.Ethereum.Keys.bip39-english.txt";

    private static readonly Lazy<string[]> English = new(LoadEnglish, LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly Lazy<IReadOnlyList<string>> EnglishReadOnly = new(() => Array.AsReadOnly(English.Value));

    private readonly int[] _indices;

    private Bip39Mnemonic(string[] words, int[] indices)
    {
        Words = Array.AsReadOnly(words);
        _indices = indices;
        Phrase = string.Join(' ', words);
    }

    /// <summary>The allowed word counts: 12, 15, 18, 21 and 24 (128–256 bits of entropy in 32-bit steps).</summary>
    public static IReadOnlyList<int> ValidWordCounts { get; } = [12, 15, 18, 21, 24];

    /// <summary>The 2048-word English list in list order (loaded once, on first use, from an embedded resource).</summary>
    public static IReadOnlyList<string> EnglishWordList => EnglishReadOnly.Value;

    /// <summary>The canonical phrase: lower-case words separated by single spaces.</summary>
    public string Phrase { get; }

    /// <summary>The words in order.</summary>
    public IReadOnlyList<string> Words { get; }

    /// <summary>Number of words.</summary>
    public int WordCount => _indices.Length;

    /// <summary>The mnemonic that encodes <paramref name="entropy"/> (16, 20, 24, 28 or 32 bytes).</summary>
    public static Bip39Mnemonic FromEntropy(ReadOnlySpan<byte> entropy)
    {
        // ENT ∈ {128, 160, ..., 256} bits; CS = ENT / 32 checksum bits; words = (ENT + CS) / 11.
        if (entropy.Length is < 16 or > 32 || entropy.Length % 4 != 0)
        {
            throw new ArgumentException($"BIP-39 entropy is 16, 20, 24, 28 or 32 bytes, got {entropy.Length}.", nameof(entropy));
        }

        var checksumBits = entropy.Length * 8 / 32;
        var wordCount = (entropy.Length * 8 + checksumBits) / 11;
        Span<byte> bits = stackalloc byte[33];
        entropy.CopyTo(bits);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(entropy, hash);
        bits[entropy.Length] = hash[0]; // at most 8 checksum bits are used

        var list = English.Value;
        var words = new string[wordCount];
        var indices = new int[wordCount];
        for (var w = 0; w < wordCount; w++)
        {
            indices[w] = ReadBits(bits, w * 11, 11);
            words[w] = list[indices[w]];
        }

        CryptographicOperations.ZeroMemory(bits);
        return new Bip39Mnemonic(words, indices);
    }

    /// <summary>A new random mnemonic of <paramref name="wordCount"/> words from a cryptographic RNG.</summary>
    public static Bip39Mnemonic Generate(int wordCount = 12)
    {
        if (!ValidWordCounts.Contains(wordCount))
        {
            throw new ArgumentOutOfRangeException(nameof(wordCount), wordCount, "A BIP-39 mnemonic has 12, 15, 18, 21 or 24 words.");
        }

        Span<byte> entropy = stackalloc byte[wordCount / 3 * 4];
        RandomNumberGenerator.Fill(entropy);
        var mnemonic = FromEntropy(entropy);
        CryptographicOperations.ZeroMemory(entropy);
        return mnemonic;
    }

    /// <summary>Parses and validates a mnemonic; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static Bip39Mnemonic Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var mnemonic, out var error) ? mnemonic : throw new FormatException(error.Message);
    }

    /// <summary>True when <paramref name="text"/> is a valid English mnemonic.</summary>
    public static bool IsValid([NotNullWhen(true)] string? text) => TryParse(text, out _, out _);

    /// <summary>
    /// Parses and validates a mnemonic: NFKD, split on any whitespace, ASCII letters lower-cased, then
    /// word count, word-list membership and checksum are checked in that order.
    /// </summary>
    public static bool TryParse(
        [NotNullWhen(true)] string? text,
        [NotNullWhen(true)] out Bip39Mnemonic? mnemonic,
        [NotNullWhen(false)] out Bip39MnemonicError? error)
    {
        mnemonic = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = new Bip39MnemonicError(Bip39MnemonicErrorKind.Empty, "The mnemonic is empty.");
            return false;
        }

        string normalized;
        try
        {
            normalized = UnicodeNfkd.Normalize(text);
        }
        catch (NotSupportedException e)
        {
            error = new Bip39MnemonicError(Bip39MnemonicErrorKind.NormalizationUnavailable, e.Message);
            return false;
        }

        var words = normalized.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (!ValidWordCounts.Contains(words.Length))
        {
            error = new Bip39MnemonicError(
                Bip39MnemonicErrorKind.WrongWordCount,
                $"A BIP-39 mnemonic has 12, 15, 18, 21 or 24 words; got {words.Length}.");
            return false;
        }

        var list = English.Value;
        var indices = new int[words.Length];
        for (var i = 0; i < words.Length; i++)
        {
            words[i] = words[i].ToLowerInvariant();
            indices[i] = Array.BinarySearch(list, words[i], StringComparer.Ordinal);
            if (indices[i] < 0)
            {
                error = new Bip39MnemonicError(
                    Bip39MnemonicErrorKind.UnknownWord,
                    $"Word {i + 1} of {words.Length} is not in the BIP-39 English word list.",
                    i + 1);
                return false;
            }
        }

        var candidate = new Bip39Mnemonic(words, indices);
        if (!candidate.ChecksumMatches())
        {
            error = new Bip39MnemonicError(
                Bip39MnemonicErrorKind.InvalidChecksum,
                $"The {words.Length}-word mnemonic's checksum does not match: a word is wrong or words are out of order.");
            return false;
        }

        mnemonic = candidate;
        error = null;
        return true;
    }

    /// <summary>The entropy the words encode (16–32 bytes).</summary>
    public byte[] ToEntropy()
    {
        var bits = PackBits();
        var entropy = bits.AsSpan(0, EntropyLength).ToArray();
        CryptographicOperations.ZeroMemory(bits);
        return entropy;
    }

    /// <summary>
    /// The 64-byte BIP-39 seed: PBKDF2-HMAC-SHA512(password = phrase, salt = "mnemonic" + passphrase,
    /// 2048 iterations), both NFKD-normalised and UTF-8 encoded.
    /// </summary>
    /// <exception cref="NotSupportedException">The passphrase is not ASCII and no Unicode normaliser is available (see <see cref="UnicodeNfkd"/>).</exception>
    public byte[] ToSeed(string passphrase = "")
    {
        ArgumentNullException.ThrowIfNull(passphrase);
        var password = Encoding.UTF8.GetBytes(Phrase);
        var salt = Encoding.UTF8.GetBytes("mnemonic" + UnicodeNfkd.Normalize(passphrase));
        var seed = new byte[SeedLength];
        Rfc2898DeriveBytes.Pbkdf2(password, salt, seed, Pbkdf2Iterations, HashAlgorithmName.SHA512);
        CryptographicOperations.ZeroMemory(password);
        CryptographicOperations.ZeroMemory(salt);
        return seed;
    }

    /// <summary>Shows the word count only: the words are secret.</summary>
    public override string ToString() => $"Bip39Mnemonic({WordCount} words)";

    private int EntropyLength => _indices.Length * 11 * 32 / 33 / 8;

    private bool ChecksumMatches()
    {
        var bits = PackBits();
        var entropyLength = EntropyLength;
        var checksumBits = entropyLength * 8 / 32;
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(bits.AsSpan(0, entropyLength), hash);
        var expected = hash[0] >> (8 - checksumBits);
        var actual = bits[entropyLength] >> (8 - checksumBits);
        CryptographicOperations.ZeroMemory(bits);
        return expected == actual;
    }

    /// <summary>The 11-bit word indices concatenated big-endian: entropy bytes, then the checksum bits.</summary>
    private byte[] PackBits()
    {
        var bits = new byte[33];
        for (var w = 0; w < _indices.Length; w++)
        {
            for (var b = 0; b < 11; b++)
            {
                if ((_indices[w] & (1 << (10 - b))) != 0)
                {
                    var position = w * 11 + b;
                    bits[position >> 3] |= (byte)(0x80 >> (position & 7));
                }
            }
        }

        return bits;
    }

    private static int ReadBits(ReadOnlySpan<byte> data, int offset, int count)
    {
        var value = 0;
        for (var i = 0; i < count; i++)
        {
            var position = offset + i;
            value = (value << 1) | ((data[position >> 3] >> (7 - (position & 7))) & 1);
        }

        return value;
    }

    private static string[] LoadEnglish()
    {
        using var stream = typeof(Bip39Mnemonic).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource '{ResourceName}' is missing from {typeof(Bip39Mnemonic).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var words = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        // Binary search and the 11-bit encoding both depend on exactly 2048 sorted, distinct words.
        if (words.Length != WordListLength)
        {
            throw new InvalidOperationException($"The BIP-39 English word list has {words.Length} words; expected {WordListLength}.");
        }

        for (var i = 1; i < words.Length; i++)
        {
            if (string.CompareOrdinal(words[i - 1], words[i]) >= 0)
            {
                throw new InvalidOperationException($"The BIP-39 English word list is not strictly sorted at line {i + 1} ('{words[i - 1]}', '{words[i]}').");
            }
        }

        return words;
    }
}

/// <summary>Why a text is not a valid BIP-39 mnemonic.</summary>
public enum Bip39MnemonicErrorKind
{
    /// <summary>No words.</summary>
    Empty,

    /// <summary>Not 12, 15, 18, 21 or 24 words.</summary>
    WrongWordCount,

    /// <summary>A word is not in the English list.</summary>
    UnknownWord,

    /// <summary>The checksum bits do not match the entropy.</summary>
    InvalidChecksum,

    /// <summary>The text is not ASCII and cannot be NFKD-normalised in this process.</summary>
    NormalizationUnavailable,
}

/// <summary>A mnemonic validation failure: its kind, a message safe to show (no words), and the 1-based word position where one applies.</summary>
public sealed record Bip39MnemonicError(Bip39MnemonicErrorKind Kind, string Message, int? WordPosition = null);
