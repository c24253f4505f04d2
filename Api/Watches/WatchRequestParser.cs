using System.Collections.Immutable;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains;

namespace WalletGrains.Api.Watches;

/// <summary>
/// The body of <c>POST /v1/watches</c> as documented in OpenAPI. The handler does not bind to this type:
/// <see cref="WatchRequestParser"/> reads the JSON strictly so each rejection gets its code.
/// </summary>
public sealed record WatchBody(
    [property: Description("Chain id of a configured chain (JSON integer, or decimal/0x-hex string).")] ulong ChainId,
    [property: Description("The address to follow: lower case or EIP-55.")] string Address,
    [property: Description("ERC-20 contracts whose balances to read for it (lower case or EIP-55), at most 50; the native balance is always read. Posting again replaces the list.")] IReadOnlyList<string>? Tokens = null);

/// <summary>A watch request after parsing: typed, tokens each once in the order given; the chain not yet checked.</summary>
internal sealed record WatchRequest(ulong ChainId, Address Address, ImmutableArray<Address> Tokens);

/// <summary>Parses the body of <c>POST /v1/watches</c> with no I/O, so a rejected request writes nothing.</summary>
internal static class WatchRequestParser
{
    private static readonly HashSet<string> KnownProperties = new(StringComparer.Ordinal) { "chainId", "address", "tokens" };

    public static bool TryParse(JsonElement body, [NotNullWhen(true)] out WatchRequest? request, [NotNullWhen(false)] out ApiProblem? problem)
    {
        request = null;
        if (!JsonFields.TryCheckProperties(body, KnownProperties, out problem))
        {
            return false;
        }

        if (!JsonFields.TryReadRequiredUInt64(body, "chainId", WalletErrorCodes.InvalidRequest, out var chainId, out problem))
        {
            return false;
        }

        if (!JsonFields.TryReadRequiredAddress(body, "address", out var address, out problem))
        {
            return false;
        }

        var tokens = ImmutableArray<Address>.Empty;
        if (body.TryGetProperty("tokens", out var tokensElement) && tokensElement.ValueKind != JsonValueKind.Null
            && !TryReadTokens(tokensElement, out tokens, out problem))
        {
            return false;
        }

        request = new WatchRequest(chainId, address, tokens);
        problem = null;
        return true;
    }

    private static bool TryReadTokens(JsonElement element, out ImmutableArray<Address> tokens, [NotNullWhen(false)] out ApiProblem? problem)
    {
        tokens = [];
        if (element.ValueKind != JsonValueKind.Array)
        {
            problem = ApiProblem.For(WalletErrorCodes.InvalidRequest, $"'tokens' must be an array of token contract addresses; got a JSON {JsonFields.Describe(element)}.");
            return false;
        }

        var count = element.GetArrayLength();
        if (count > WatchesApi.MaxTokens)
        {
            problem = new ApiProblem(StatusCodes.Status400BadRequest, BalanceErrorCodes.TooManyTokens, $"'tokens' has {count} entries; a watch reads at most {WatchesApi.MaxTokens} tokens.");
            return false;
        }

        var builder = ImmutableArray.CreateBuilder<Address>(count);
        var seen = new HashSet<Address>();
        var index = 0;
        foreach (var item in element.EnumerateArray())
        {
            var name = $"tokens[{index++}]";
            if (!JsonFields.TryReadAddress(item, name, out var token, out problem))
            {
                return false;
            }

            if (token == Address.Zero)
            {
                problem = ApiProblem.For(WalletErrorCodes.InvalidAddress, $"'{name}' is the zero address; the native balance is always read, list only ERC-20 contracts.");
                return false;
            }

            // A repeated token is the same request; keep the first.
            if (seen.Add(token))
            {
                builder.Add(token);
            }
        }

        tokens = builder.ToImmutable();
        problem = null;
        return true;
    }
}
