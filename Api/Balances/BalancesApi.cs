using System.ComponentModel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using WalletGrains.Api.Watches;
using WalletGrains.Grains;
using WalletGrains.Grains.Balances;
using WalletGrains.Grains.Chains;
using WalletGrains.Grains.Keys;
using WalletGrains.Grains.Watches;

namespace WalletGrains.Api.Balances;

/// <summary>
/// <c>/v1/balances</c>: the latest balance snapshot of a followed address (custodied or watched), as the chain's
/// BalanceGrain last read it; served from the snapshot tables, never from the node.
/// </summary>
public static class BalancesApi
{
    /// <summary>Maps <c>/v1/balances</c> and <c>/v1/watches</c>, the two resources of balance following.</summary>
    public static IEndpointRouteBuilder MapBalancesAndWatchesApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapBalancesApi();
        endpoints.MapWatchesApi();
        return endpoints;
    }

    public static RouteGroupBuilder MapBalancesApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1/balances").WithTags("Balances").RequireAuthorization(ApiPolicies.Read);

        group.MapGet("/{chainId}/{address}", GetAsync)
            .WithName("GetBalances")
            .WithSummary("The native and token balances of a followed address")
            .WithDescription("From the latest snapshot, all read at blockNumber (a token whose read failed keeps its last known balance, or null). "
                + "404 unknown_chain when the chain is not configured, address_not_followed when the address is neither custodied nor watched, "
                + "balance_not_ready when it is followed but not read yet (it is read at the chain's next block).")
            .ProducesProblems(400, 401, 404, 429);

        return group;
    }

    /// <summary>GET /v1/balances/{chainId}/{address}.</summary>
    internal static async Task<Results<Ok<BalanceResource>, ProblemHttpResult>> GetAsync(
        [Description("Chain id, decimal.")] string chainId,
        [Description("Address, lower case or EIP-55.")] string address,
        [FromServices] IChainRegistry chains,
        [FromServices] IKeyStore keys,
        [FromServices] IWatchStore watches,
        [FromServices] IBalanceStore balances,
        CancellationToken cancellationToken)
    {
        if (!WatchesApi.TryParseRoute(chainId, address, out var chain, out var account, out var problem))
        {
            return problem.ToResult();
        }

        if (!chains.TryGet(chain, out _))
        {
            return new ApiProblem(StatusCodes.Status404NotFound, WalletErrorCodes.UnknownChain, $"Chain {chain} is not configured.").ToResult();
        }

        var watch = await watches.GetAsync(chain, account, cancellationToken);
        if (watch is null && !keys.Contains(account))
        {
            return new ApiProblem(StatusCodes.Status404NotFound, BalanceErrorCodes.AddressNotFollowed,
                $"{account} is neither a custodied account nor watched on chain {chain}; POST /v1/watches to follow it.").ToResult();
        }

        var snapshot = await balances.GetAsync(chain, account, cancellationToken);
        var native = snapshot?.Entries.FirstOrDefault(e => e.Key.Token is null);
        if (snapshot is null || native is null)
        {
            return new ApiProblem(StatusCodes.Status404NotFound, BalanceErrorCodes.BalanceNotReady,
                $"The balances of {account} on chain {chain} have not been read yet; they are read at the chain's next block.").ToResult();
        }

        var tokens = watch is null || watch.Tokens.IsDefault ? [] : watch.Tokens;
        var byToken = snapshot.Entries.Where(e => e.Key.Token is not null).ToDictionary(e => e.Key.Token!.Value, e => e.Balance);
        return TypedResults.Ok(new BalanceResource(
            chain,
            account.ToChecksumString(),
            snapshot.BlockNumber,
            native.Balance.ToString(),
            [.. tokens.Select(t => new TokenBalanceResource(t.ToChecksumString(), byToken.TryGetValue(t, out var b) ? b.ToString() : null))]));
    }
}

/// <summary>The balances of one address at one block (DESIGN.md §6); wei as decimal strings, addresses EIP-55.</summary>
public sealed record BalanceResource(
    ulong ChainId,
    string Address,
    [property: Description("The block the snapshot was read at.")] ulong BlockNumber,
    [property: Description("Native balance in wei.")] string Native,
    [property: Description("The watch's tokens in its order.")] IReadOnlyList<TokenBalanceResource> Tokens);

/// <summary>One token balance.</summary>
public sealed record TokenBalanceResource(
    string Token,
    [property: Description("Wei of the token's smallest unit; null when it has not been read yet or its reads failed (not an ERC-20).")] string? Balance);
