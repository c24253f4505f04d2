namespace WalletGrains.Grains.Chains;

/// <summary>
/// A configured chain's RPC endpoints do not serve that chain (a different <c>eth_chainId</c>), or none
/// of them answered. Start-up fails with it: signing for one chain and broadcasting to another is never
/// what was meant.
/// </summary>
public sealed class ChainVerificationException : Exception
{
    /// <summary>Creates the exception listing every problem found.</summary>
    public ChainVerificationException(IReadOnlyList<string> problems)
        : base(Format(problems))
    {
        Problems = problems;
    }

    /// <summary>Creates an exception with a message only.</summary>
    public ChainVerificationException(string message)
        : this(message, null)
    {
    }

    /// <summary>Creates an exception with a message and cause.</summary>
    public ChainVerificationException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Problems = [message];
    }

    /// <summary>Creates an exception without details.</summary>
    public ChainVerificationException()
        : this("A configured chain could not be verified.")
    {
    }

    /// <summary>One line per problem.</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string Format(IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return problems.Count == 1
            ? problems[0]
            : $"{problems.Count} chain configuration problems:" + string.Concat(problems.Select(p => Environment.NewLine + "  - " + p));
    }
}
