using System.Net;
using System.Text;
using WalletGrains.Api.Tests.Infrastructure;
using WalletGrains.Api.Transactions;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains;

namespace WalletGrains.Api.Tests;

/// <summary>
/// Every malformed send is refused with its status and code before anything reaches a grain or the store
/// (invariant 8: a rejected request persists nothing and reserves no nonce).
/// </summary>
public sealed class SendValidationTests
{
    private static readonly string From = ApiTestHost.Custodied.ToLowerHex();
    private static readonly string To = ApiTestHost.Recipient.ToChecksumString();

    public static TheoryData<string, string, int, string> BadBodies()
    {
        var checksum = ApiTestHost.Custodied.ToChecksumString();
        var wrongChecksum = FlipCaseOfFirstLetter(checksum);
        var twoTo256 = (System.Numerics.BigInteger.One << 256).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var bigHex = "0x1" + new string('0', 64);
        var tooMuchData = "0x" + new string('a', (ApiTestHost.MaxDataBytes + 1) * 2);
        string Body(string fields) => "{" + fields + "}";
        string Send(string extra = "", string from = "", string to = "") =>
            Body($"\"chainId\":1,\"from\":\"{(from.Length > 0 ? from : From)}\",\"to\":{(to.Length > 0 ? to : $"\"{To}\"")}{extra}");

        return new TheoryData<string, string, int, string>
        {
            { "truncated JSON", "{\"chainId\":", 400, WalletErrorCodes.InvalidRequest },
            { "not an object", "[1,2]", 400, WalletErrorCodes.InvalidRequest },
            { "trailing comma", Send(",\"value\":\"1\","), 400, WalletErrorCodes.InvalidRequest },
            { "comment", "/* hi */" + Send(), 400, WalletErrorCodes.InvalidRequest },
            { "duplicate property", Send(",\"value\":\"1\",\"value\":\"2\""), 400, WalletErrorCodes.InvalidRequest },
            { "unknown property", Send(",\"maxFeePerGass\":\"1\""), 400, WalletErrorCodes.InvalidRequest },
            { "missing chainId", Body($"\"from\":\"{From}\",\"to\":\"{To}\""), 400, WalletErrorCodes.InvalidRequest },
            { "chainId not a number", Body($"\"chainId\":\"one\",\"from\":\"{From}\",\"to\":\"{To}\""), 400, WalletErrorCodes.InvalidRequest },
            { "chainId negative", Body($"\"chainId\":-1,\"from\":\"{From}\",\"to\":\"{To}\""), 400, WalletErrorCodes.InvalidRequest },
            { "missing from", Body($"\"chainId\":1,\"to\":\"{To}\""), 400, WalletErrorCodes.InvalidRequest },
            { "missing to", Body($"\"chainId\":1,\"from\":\"{From}\""), 400, WalletErrorCodes.InvalidRequest },
            { "contract creation without data", Send(to: "null"), 400, WalletErrorCodes.InvalidRequest },
            { "from with a wrong checksum", Send(from: wrongChecksum), 400, WalletErrorCodes.InvalidAddress },
            { "from too short", Send(from: From[..40]), 400, WalletErrorCodes.InvalidAddress },
            { "from without 0x", Send(from: From[2..] + "00"), 400, WalletErrorCodes.InvalidAddress },
            { "from not hex", Send(from: "0x" + new string('g', 40)), 400, WalletErrorCodes.InvalidAddress },
            { "from as a number", Body($"\"chainId\":1,\"from\":12,\"to\":\"{To}\""), 400, WalletErrorCodes.InvalidAddress },
            { "to with a wrong checksum", Send(to: $"\"{FlipCaseOfFirstLetter(To)}\""), 400, WalletErrorCodes.InvalidAddress },
            { "data odd length", Send(",\"data\":\"0x123\""), 400, WalletErrorCodes.InvalidHex },
            { "data without 0x", Send(",\"data\":\"abcd\""), 400, WalletErrorCodes.InvalidHex },
            { "data not hex", Send(",\"data\":\"0xzz\""), 400, WalletErrorCodes.InvalidHex },
            { "data as a number", Send(",\"data\":12"), 400, WalletErrorCodes.InvalidHex },
            { "data too large", Send($",\"data\":\"{tooMuchData}\""), 413, WalletErrorCodes.DataTooLarge },
            { "body too large", Send($",\"data\":\"{tooMuchData}{new string('a', 200_000)}\""), 413, WalletErrorCodes.DataTooLarge },
            { "value 2^256", Send($",\"value\":\"{twoTo256}\""), 400, WalletErrorCodes.InvalidAmount },
            { "value 65 hex digits", Send($",\"value\":\"{bigHex}\""), 400, WalletErrorCodes.InvalidAmount },
            { "value negative", Send(",\"value\":\"-1\""), 400, WalletErrorCodes.InvalidAmount },
            { "value fractional", Send(",\"value\":\"1.5\""), 400, WalletErrorCodes.InvalidAmount },
            { "value exponent", Send(",\"value\":\"1e18\""), 400, WalletErrorCodes.InvalidAmount },
            { "value empty", Send(",\"value\":\"\""), 400, WalletErrorCodes.InvalidAmount },
            { "value as a JSON number", Send(",\"value\":1"), 400, WalletErrorCodes.InvalidAmount },
            { "value with spaces", Send(",\"value\":\" 1\""), 400, WalletErrorCodes.InvalidAmount },
            { "maxFeePerGas not a number", Send(",\"maxFeePerGas\":\"lots\""), 400, WalletErrorCodes.InvalidAmount },
            { "maxPriorityFeePerGas 2^256", Send($",\"maxPriorityFeePerGas\":\"{twoTo256}\""), 400, WalletErrorCodes.InvalidAmount },
            { "gasPrice as a JSON number", Send(",\"gasPrice\":1000"), 400, WalletErrorCodes.InvalidAmount },
            { "priority fee above max fee", Send(",\"maxFeePerGas\":\"10\",\"maxPriorityFeePerGas\":\"11\""), 400, WalletErrorCodes.InvalidAmount },
            { "gasPrice with EIP-1559 fees", Send(",\"maxFeePerGas\":\"10\",\"gasPrice\":\"10\""), 400, WalletErrorCodes.InvalidRequest },
            { "gasLimit below 21000", Send(",\"gasLimit\":20999"), 400, WalletErrorCodes.InvalidAmount },
            { "gasLimit above the maximum", Send(",\"gasLimit\":100000001"), 400, WalletErrorCodes.InvalidAmount },
            { "gasLimit negative", Send(",\"gasLimit\":-21000"), 400, WalletErrorCodes.InvalidAmount },
            { "gasLimit fractional", Send(",\"gasLimit\":21000.5"), 400, WalletErrorCodes.InvalidAmount },
            { "gasLimit as text", Send(",\"gasLimit\":\"many\""), 400, WalletErrorCodes.InvalidAmount },
            { "unknown chain", Body($"\"chainId\":999,\"from\":\"{From}\",\"to\":\"{To}\""), 400, WalletErrorCodes.UnknownChain },
            { "from not custodied", Send(from: ApiTestHost.Stranger.ToLowerHex()), 422, WalletErrorCodes.UnknownAccount },
        };
    }

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_body_is_refused_and_nothing_reaches_the_grain(string because, string json, int status, string code)
    {
        await using var host = await ApiTestHost.StartAsync();
        var response = await host.SendAsync(HttpMethod.Post, "/v1/transactions", json);

        var problem = await Problems.AssertAsync(response, (HttpStatusCode)status, code);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()), because);
        AssertNothingReached(host);
    }

    [Fact]
    public async Task Wrong_media_type_is_refused()
    {
        await using var host = await ApiTestHost.StartAsync();
        var request = ApiTestHost.Request(HttpMethod.Post, "/v1/transactions");
        request.Content = new StringContent($"{{\"chainId\":1,\"from\":\"{From}\",\"to\":\"{To}\"}}", Encoding.UTF8, "text/plain");
        var response = await host.Client.SendAsync(request, TestContext.Current.CancellationToken);

        await Problems.AssertAsync(response, HttpStatusCode.UnsupportedMediaType, WalletErrorCodes.InvalidRequest);
        AssertNothingReached(host);
    }

    [Fact]
    public async Task Empty_body_is_refused()
    {
        await using var host = await ApiTestHost.StartAsync();
        var response = await host.SendAsync(HttpMethod.Post, "/v1/transactions", "");

        await Problems.AssertAsync(response, HttpStatusCode.BadRequest, WalletErrorCodes.InvalidRequest);
        AssertNothingReached(host);
    }

    public static TheoryData<string, string[]> BadIdempotencyKeys() => new()
    {
        { "too long", [new string('k', TransactionsApi.MaxIdempotencyKeyLength + 1)] },
        { "control character", ["abc\tdef"] },
        { "two headers", ["one", "two"] },
    };

    [Theory]
    [MemberData(nameof(BadIdempotencyKeys))]
    public async Task Bad_idempotency_key_is_refused(string because, string[] values)
    {
        await using var host = await ApiTestHost.StartAsync();
        var request = ApiTestHost.Request(HttpMethod.Post, "/v1/transactions", $"{{\"chainId\":1,\"from\":\"{From}\",\"to\":\"{To}\"}}");
        Assert.True(request.Headers.TryAddWithoutValidation(TransactionsApi.IdempotencyKeyHeader, values), because);
        var response = await host.Client.SendAsync(request, TestContext.Current.CancellationToken);

        await Problems.AssertAsync(response, HttpStatusCode.BadRequest, WalletErrorCodes.InvalidRequest);
        AssertNothingReached(host);
    }

    [Fact]
    public async Task Longest_idempotency_key_is_accepted()
    {
        await using var host = await ApiTestHost.StartAsync();
        var key = string.Concat(Enumerable.Range(0, TransactionsApi.MaxIdempotencyKeyLength).Select(i => (char)(0x21 + (i % 94))));
        var request = ApiTestHost.Request(HttpMethod.Post, "/v1/transactions", $"{{\"chainId\":1,\"from\":\"{From}\",\"to\":\"{To}\"}}");
        request.Headers.TryAddWithoutValidation(TransactionsApi.IdempotencyKeyHeader, key);
        var response = await host.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(key, Assert.Single(host.Gateway.Commands).IdempotencyKey);
    }

    private static void AssertNothingReached(ApiTestHost host)
    {
        Assert.Empty(host.Gateway.Commands);
        Assert.Empty(host.Grains.Accounts);
        Assert.Empty(host.Store.Writes);
        Assert.Empty(host.Store.Queries);
    }

    private static string FlipCaseOfFirstLetter(string checksummed)
    {
        var chars = checksummed.ToCharArray();
        var i = Array.FindIndex(chars, 2, char.IsLetter);
        Assert.True(i > 0, $"{checksummed} has no hex letter to flip");
        chars[i] = char.IsUpper(chars[i]) ? char.ToLowerInvariant(chars[i]) : char.ToUpperInvariant(chars[i]);
        var flipped = new string(chars);

        // Only a mixed-case result is a checksum claim; make sure the test really sends one.
        Assert.False(Address.IsValidChecksum(flipped));
        Assert.True(flipped.Skip(2).Any(char.IsUpper) && flipped.Skip(2).Any(char.IsLower));
        return flipped;
    }
}
