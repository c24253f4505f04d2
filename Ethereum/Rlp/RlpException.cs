namespace WalletGrains.Ethereum.Rlp;

/// <summary>Thrown by the throwing RLP decode methods; carries the error kind and the byte offset where it was found.</summary>
public sealed class RlpException : FormatException
{
    /// <summary>Creates an exception for <paramref name="error"/> at <paramref name="offset"/>.</summary>
    public RlpException(RlpError error, int offset)
        : base($"Invalid RLP at byte {offset}: {error.Describe()} ({error}).")
    {
        Error = error;
        Offset = offset;
    }

    /// <summary>Creates an exception with a custom message.</summary>
    public RlpException()
        : base("Invalid RLP.")
    {
    }

    /// <summary>Creates an exception with a custom message.</summary>
    public RlpException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a custom message and inner exception.</summary>
    public RlpException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The kind of error.</summary>
    public RlpError Error { get; }

    /// <summary>Offset in the decoded input where the offending header or item starts.</summary>
    public int Offset { get; }
}
