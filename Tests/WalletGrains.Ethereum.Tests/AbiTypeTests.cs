using WalletGrains.Ethereum.Abi;

namespace WalletGrains.Ethereum.Tests;

public sealed class AbiTypeTests
{
    [Theory]
    [InlineData("uint256", "uint256", false, 32)]
    [InlineData("uint", "uint256", false, 32)]
    [InlineData("int", "int256", false, 32)]
    [InlineData("int8", "int8", false, 32)]
    [InlineData("bytes1", "bytes1", false, 32)]
    [InlineData("bytes32", "bytes32", false, 32)]
    [InlineData("bytes", "bytes", true, 32)]
    [InlineData("string", "string", true, 32)]
    [InlineData("address[]", "address[]", true, 32)]
    [InlineData("uint256[2]", "uint256[2]", false, 64)]
    [InlineData("uint256[][3]", "uint256[][3]", true, 32)]
    [InlineData("(address,bool,bytes)[]", "(address,bool,bytes)[]", true, 32)]
    [InlineData("(uint,(bool,address))", "(uint256,(bool,address))", false, 96)]
    [InlineData("(uint256,string)[2][]", "(uint256,string)[2][]", true, 32)]
    [InlineData("bytes3[2]", "bytes3[2]", false, 64)]
    public void Parses_canonical_types(string text, string canonical, bool dynamic, int headSize)
    {
        var type = AbiType.Parse(text);
        Assert.Equal(canonical, type.CanonicalName);
        Assert.Equal(dynamic, type.IsDynamic);
        Assert.Equal(headSize, type.HeadSize);
        Assert.Equal(type, AbiType.Parse(canonical));
    }

    [Theory]
    [InlineData("")]
    [InlineData("uint7")]
    [InlineData("uint0")]
    [InlineData("uint264")]
    [InlineData("uint08")]
    [InlineData("int512")]
    [InlineData("bytes0")]
    [InlineData("bytes33")]
    [InlineData("()")]
    [InlineData("uint256[0]")]
    [InlineData("uint256[01]")]
    [InlineData("uint256[-1]")]
    [InlineData(" uint256")]
    [InlineData("uint256 ")]
    [InlineData("(uint256")]
    [InlineData("(uint256,)")]
    [InlineData("address[]]")]
    [InlineData("tuple(uint256)")]
    [InlineData("Address")]
    [InlineData("uint256[4294967296]")]
    [InlineData("uint256[1000000000]")]
    public void Rejects_non_canonical_or_invalid_types(string text)
    {
        Assert.False(AbiType.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Theory]
    [InlineData("transfer(address,uint)", "transfer(address,uint256)")]
    [InlineData("getBlockNumber()", "getBlockNumber()")]
    [InlineData("aggregate3((address,bool,bytes)[])", "aggregate3((address,bool,bytes)[])")]
    public void Canonicalizes_signatures(string signature, string canonical) =>
        Assert.Equal(canonical, AbiSignature.Canonicalize(signature));

    [Theory]
    [InlineData("transfer")]
    [InlineData("(address)")]
    [InlineData("1transfer(address)")]
    [InlineData("trans fer(address)")]
    [InlineData("transfer(address) ")]
    [InlineData("transfer(address")]
    public void Rejects_invalid_signatures(string signature) =>
        Assert.Throws<FormatException>(() => AbiSignature.Canonicalize(signature));

    [Fact]
    public void Aliases_give_the_selector_of_the_canonical_signature() =>
        Assert.Equal(AbiSignature.Selector("transfer(address,uint256)"), AbiSignature.Selector("transfer(address,uint)"));
}
