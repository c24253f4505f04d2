namespace WalletGrains.Ethereum.Abi;

/// <summary>Malformed ABI data: an offset or length outside the data, or a value word that is not canonical.</summary>
public sealed class AbiDecodingException : Exception
{
    /// <summary>Creates the exception with a message that names the position and the problem.</summary>
    public AbiDecodingException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public AbiDecodingException()
    {
    }

    /// <summary>Creates the exception with an inner cause.</summary>
    public AbiDecodingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
