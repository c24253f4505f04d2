namespace WalletGrains.Grains.Keys;

/// <summary>
/// A configured key source could not be loaded completely. Start-up fails with it: a custody service
/// must not run without a key it was given. Each problem names where (a file, a configuration key)
/// and why, never key material or a password.
/// </summary>
public sealed class KeyStoreLoadException : Exception
{
    /// <summary>Creates the exception for one source and its problems.</summary>
    public KeyStoreLoadException(string source, IReadOnlyList<string> problems)
        : base(Format(source, problems))
    {
        KeySource = source;
        Problems = problems;
    }

    /// <summary>Creates an exception with a message only.</summary>
    public KeyStoreLoadException(string message)
        : this(message, (Exception?)null)
    {
    }

    /// <summary>Creates an exception with a message and cause.</summary>
    public KeyStoreLoadException(string message, Exception? innerException)
        : base(message, innerException)
    {
        KeySource = "";
        Problems = [message];
    }

    /// <summary>Creates an exception without details.</summary>
    public KeyStoreLoadException()
        : this("A key source could not be loaded.")
    {
    }

    /// <summary>The key source, e.g. "keystore directory 'keys'".</summary>
    public string KeySource { get; }

    /// <summary>One line per problem: where and why.</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string Format(string source, IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return $"Could not load {source} ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}):"
            + string.Concat(problems.Select(p => Environment.NewLine + "  - " + p));
    }
}
