using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace WalletGrains.Ethereum.Keys;

/// <summary>
/// A BIP-32 derivation path such as <c>m/44'/60'/0'/0/0</c>: child indices below the root, where an
/// index ≥ 2^31 is hardened. Text uses <c>'</c>, <c>h</c> or <c>H</c> for hardened steps and formats with <c>'</c>.
/// </summary>
public sealed class KeyPath : IEquatable<KeyPath>
{
    /// <summary>Offset added to an index for hardened derivation (BIP-32: indices 2^31 .. 2^32-1).</summary>
    public const uint HardenedOffset = 0x8000_0000u;

    /// <summary>BIP-32 depth is one byte, so a path has at most 255 steps.</summary>
    public const int MaxDepth = 255;

    private readonly uint[] _indices;

    private KeyPath(uint[] indices) => _indices = indices;

    /// <summary>The empty path <c>m</c>.</summary>
    public static KeyPath Master { get; } = new([]);

    /// <summary>The child indices from the root, hardened ones including <see cref="HardenedOffset"/>.</summary>
    public IReadOnlyList<uint> Indices => Array.AsReadOnly(_indices);

    /// <summary>Number of steps.</summary>
    public int Depth => _indices.Length;

    /// <summary>A path from raw indices (hardened ones already include <see cref="HardenedOffset"/>).</summary>
    public static KeyPath FromIndices(params ReadOnlySpan<uint> indices)
    {
        if (indices.Length > MaxDepth)
        {
            throw new ArgumentException($"A BIP-32 path has at most {MaxDepth} steps, got {indices.Length}.", nameof(indices));
        }

        return new KeyPath(indices.ToArray());
    }

    /// <summary>True when <paramref name="index"/> denotes hardened derivation.</summary>
    public static bool IsHardened(uint index) => index >= HardenedOffset;

    /// <summary>This path with one more step; <paramref name="index"/> must be below 2^31 and is hardened on request.</summary>
    public KeyPath Append(uint index, bool hardened = false)
    {
        if (index >= HardenedOffset)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"A path index must be below 2^31 ({HardenedOffset}); pass hardened: true for hardened steps.");
        }

        if (_indices.Length >= MaxDepth)
        {
            throw new InvalidOperationException($"A BIP-32 path has at most {MaxDepth} steps.");
        }

        var next = new uint[_indices.Length + 1];
        _indices.CopyTo(next, 0);
        next[^1] = hardened ? index | HardenedOffset : index;
        return new KeyPath(next);
    }

    /// <summary>Parses <c>m</c> or <c>m/a/b'/…</c>; throws <see cref="FormatException"/> with the reason.</summary>
    public static KeyPath Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var path, out var error) ? path : throw new FormatException(error);
    }

    /// <summary>Try-pattern form of <see cref="Parse"/>.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out KeyPath? path) => TryParse(text, out path, out _);

    /// <summary>
    /// Parses <c>m</c> followed by zero or more <c>/index</c> steps: decimal without sign or leading
    /// zeros, below 2^31, optionally followed by <c>'</c>, <c>h</c> or <c>H</c> for hardened.
    /// </summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out KeyPath? path, [NotNullWhen(false)] out string? error)
    {
        path = null;
        if (text is null || text.Length == 0 || text[0] != 'm')
        {
            error = $"'{Shorten(text)}' is not a BIP-32 path: it must start with 'm'.";
            return false;
        }

        if (text.Length == 1)
        {
            path = Master;
            error = null;
            return true;
        }

        if (text[1] != '/')
        {
            error = $"'{Shorten(text)}' is not a BIP-32 path: expected '/' after 'm'.";
            return false;
        }

        var parts = text[2..].Split('/');
        if (parts.Length > MaxDepth)
        {
            error = $"'{Shorten(text)}' has {parts.Length} steps; a BIP-32 path has at most {MaxDepth}.";
            return false;
        }

        var indices = new uint[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i].AsSpan();
            var hardened = part.Length > 0 && part[^1] is '\'' or 'h' or 'H';
            var digits = hardened ? part[..^1] : part;
            if (digits.Length == 0 || digits.ContainsAnyExceptInRange('0', '9') || (digits.Length > 1 && digits[0] == '0') ||
                !uint.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= HardenedOffset)
            {
                error = $"'{Shorten(text)}' is not a BIP-32 path: step {i + 1} ('{parts[i]}') must be a decimal index below 2^31 without leading zeros, optionally followed by ', h or H.";
                return false;
            }

            indices[i] = hardened ? index | HardenedOffset : index;
        }

        path = new KeyPath(indices);
        error = null;
        return true;
    }

    /// <summary>The canonical text, e.g. <c>m/44'/60'/0'/0/0</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("m");
        foreach (var index in _indices)
        {
            sb.Append('/').Append((index & ~HardenedOffset).ToString(CultureInfo.InvariantCulture));
            if (IsHardened(index))
            {
                sb.Append('\'');
            }
        }

        return sb.ToString();
    }

    /// <inheritdoc />
    public bool Equals(KeyPath? other) => other is not null && _indices.AsSpan().SequenceEqual(other._indices);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as KeyPath);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hc = new HashCode();
        foreach (var index in _indices)
        {
            hc.Add(index);
        }

        return hc.ToHashCode();
    }

    private static string Shorten(string? s) => s is null ? "" : s.Length <= 80 ? s : string.Concat(s.AsSpan(0, 77), "...");
}
