namespace WalletGrains.Ethereum.Model;

/// <summary>Thrown by the throwing transaction decode methods; carries the <see cref="TransactionDecodeError"/>.</summary>
public sealed class TransactionDecodeException : FormatException
{
    /// <summary>Wraps <paramref name="error"/>.</summary>
    public TransactionDecodeException(TransactionDecodeError error)
        : base($"Invalid transaction ({error?.Layer}): {error?.Message}")
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
    }

    /// <summary>Creates an exception with only a message (classified as <see cref="TransactionDecodeLayer.RlpStructure"/>).</summary>
    public TransactionDecodeException()
        : this(new TransactionDecodeError(TransactionDecodeLayer.RlpStructure, "Invalid transaction."))
    {
    }

    /// <summary>Creates an exception with only a message (classified as <see cref="TransactionDecodeLayer.RlpStructure"/>).</summary>
    public TransactionDecodeException(string message)
        : this(new TransactionDecodeError(TransactionDecodeLayer.RlpStructure, message))
    {
    }

    /// <summary>Creates an exception with a message and inner exception.</summary>
    public TransactionDecodeException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = new TransactionDecodeError(TransactionDecodeLayer.RlpStructure, message);
    }

    /// <summary>The rejection.</summary>
    public TransactionDecodeError Error { get; }

    /// <summary>Shortcut for <c>Error.Layer</c>.</summary>
    public TransactionDecodeLayer Layer => Error.Layer;
}
