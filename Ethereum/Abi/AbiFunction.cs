namespace WalletGrains.Ethereum.Abi;

/// <summary>A contract function: its canonical signature, selector, and parameter and return types.</summary>
public sealed class AbiFunction
{
    private readonly byte[] _selector;

    private AbiFunction(string name, IReadOnlyList<AbiType> inputs, IReadOnlyList<AbiType> outputs)
    {
        Name = name;
        Inputs = inputs;
        Outputs = outputs;
        Signature = name + "(" + string.Join(',', inputs.Select(t => t.CanonicalName)) + ")";
        _selector = AbiSignature.Selector(Signature);
    }

    /// <summary>The function name.</summary>
    public string Name { get; }

    /// <summary>The canonical signature, e.g. <c>transfer(address,uint256)</c>.</summary>
    public string Signature { get; }

    /// <summary>Parameter types.</summary>
    public IReadOnlyList<AbiType> Inputs { get; }

    /// <summary>Return types (empty when the function returns nothing or they were not given).</summary>
    public IReadOnlyList<AbiType> Outputs { get; }

    /// <summary>The 4-byte selector.</summary>
    public ReadOnlySpan<byte> Selector => _selector;

    /// <summary>
    /// Parses <c>name(type,...)</c> and, optionally, the return list such as <c>(bool)</c> or
    /// <c>((bool,bytes)[])</c>.
    /// </summary>
    public static AbiFunction Parse(string signature, string? outputs = null)
    {
        var (name, inputs) = AbiSignature.Split(signature);
        return new AbiFunction(name, inputs, outputs is null ? [] : AbiType.ParseList(outputs));
    }

    /// <summary>Calldata: selector followed by the encoded arguments.</summary>
    public byte[] Encode(params object?[] arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var body = AbiCodec.Encode(Inputs, arguments);
        var calldata = new byte[_selector.Length + body.Length];
        _selector.CopyTo(calldata, 0);
        body.CopyTo(calldata, _selector.Length);
        return calldata;
    }

    /// <summary>Decodes calldata of this function; throws when the selector differs or the data is malformed.</summary>
    public object?[] DecodeInput(ReadOnlySpan<byte> calldata)
    {
        if (calldata.Length < _selector.Length || !calldata[.._selector.Length].SequenceEqual(_selector))
        {
            throw new AbiDecodingException($"Calldata does not start with the selector of {Signature}.");
        }

        return AbiCodec.Decode(Inputs, calldata[_selector.Length..]);
    }

    /// <summary>Decodes return data into <see cref="Outputs"/>; throws <see cref="AbiDecodingException"/> when malformed.</summary>
    public object?[] DecodeOutput(ReadOnlySpan<byte> returnData) => AbiCodec.Decode(Outputs, returnData);

    /// <summary>The canonical signature.</summary>
    public override string ToString() => Signature;
}
