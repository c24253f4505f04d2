using System.Runtime.InteropServices;
using System.Text;

namespace WalletGrains.Ethereum.Keys;

/// <summary>
/// Unicode NFKD, which BIP-39 applies to the mnemonic and the passphrase before hashing.
/// </summary>
/// <remarks>
/// The solution runs with <c>InvariantGlobalization=true</c>, and under it
/// <see cref="string.Normalize(NormalizationForm)"/> silently returns non-ASCII text unchanged, which
/// would give a wrong seed without any error. So: ASCII text is already NFKD and passes through;
/// otherwise the runtime's normaliser is used when it works, else ICU's <c>unorm2</c> NFKD from the
/// system's libicuuc; when neither is available, non-ASCII text is refused with
/// <see cref="NotSupportedException"/> rather than hashed unnormalised.
/// </remarks>
internal static unsafe class UnicodeNfkd
{
    private static readonly Lazy<Normalizer?> Instance = new(CreateNormalizer);

    private delegate string Normalizer(string text);

    /// <summary>True when non-ASCII text can be normalised in this process.</summary>
    public static bool IsAvailable => Instance.Value is not null;

    /// <summary>The NFKD form of <paramref name="text"/>.</summary>
    /// <exception cref="NotSupportedException">The text is not ASCII and no Unicode normaliser is available.</exception>
    public static string Normalize(string text)
    {
        if (Ascii.IsValid(text))
        {
            return text;
        }

        var normalizer = Instance.Value
            ?? throw new NotSupportedException(
                "BIP-39 needs NFKD normalisation of non-ASCII text, but this process runs with invariant globalization and " +
                "no ICU library (libicuuc) was found. Use an ASCII mnemonic and passphrase, or install ICU.");
        return normalizer(text);
    }

    private static Normalizer? CreateNormalizer()
    {
        // U+00E9 decomposes to e + U+0301 under NFD/NFKD; if the runtime does that, it normalises properly.
        if ("\u00e9".Normalize(NormalizationForm.FormKD) == "e\u0301")
        {
            return static text => text.Normalize(NormalizationForm.FormKD);
        }

        return IcuNormalizer.TryCreate();
    }

    /// <summary>NFKD through ICU's C API (<c>unorm2_getNFKDInstance</c>, <c>unorm2_normalize</c>), found at run time.</summary>
    private static class IcuNormalizer
    {
        private const int BufferOverflowError = 15; // U_BUFFER_OVERFLOW_ERROR

        private static delegate* unmanaged<int*, nint> _getInstance;
        private static delegate* unmanaged<nint, char*, int, char*, int, int*, int> _normalize;

        public static Normalizer? TryCreate()
        {
            foreach (var (handle, suffix) in Candidates())
            {
                if (NativeLibrary.TryGetExport(handle, "unorm2_getNFKDInstance" + suffix, out var get) &&
                    NativeLibrary.TryGetExport(handle, "unorm2_normalize" + suffix, out var norm))
                {
                    _getInstance = (delegate* unmanaged<int*, nint>)get;
                    _normalize = (delegate* unmanaged<nint, char*, int, char*, int, int*, int>)norm;
                    var status = 0;
                    var instance = _getInstance(&status);
                    if (status > 0 || instance == 0)
                    {
                        continue;
                    }

                    Normalizer normalizer = text => Run(instance, text);
                    return normalizer("\u00e9") == "e\u0301" ? normalizer : null;
                }
            }

            return null;
        }

        private static IEnumerable<(nint Handle, string Suffix)> Candidates()
        {
            // ICU versions its exported symbols (unorm2_normalize_72); try versioned library names first.
            for (var version = 90; version >= 50; version--)
            {
                if (NativeLibrary.TryLoad($"libicuuc.so.{version}", out var handle))
                {
                    yield return (handle, $"_{version}");
                    yield return (handle, "");
                }
            }

            foreach (var name in new[] { "libicuuc.so", "libicuuc.dylib", "icuuc" })
            {
                if (NativeLibrary.TryLoad(name, out var handle))
                {
                    yield return (handle, "");
                }
            }
        }

        private static string Run(nint instance, string text)
        {
            var capacity = text.Length * 4 + 16;
            while (true)
            {
                var buffer = new char[capacity];
                int status = 0, length;
                fixed (char* src = text)
                fixed (char* dst = buffer)
                {
                    length = _normalize(instance, src, text.Length, dst, buffer.Length, &status);
                }

                if (status == BufferOverflowError)
                {
                    capacity = length + 1;
                    continue;
                }

                if (status > 0)
                {
                    throw new InvalidOperationException($"ICU unorm2_normalize failed with error code {status}.");
                }

                var result = new string(buffer, 0, length);
                Array.Clear(buffer); // may hold a passphrase
                return result;
            }
        }
    }
}
