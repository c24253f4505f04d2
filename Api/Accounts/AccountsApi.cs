using System.ComponentModel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains;
using WalletGrains.Grains.Chains;
using WalletGrains.Grains.Keys;
using WalletGrains.Runtime;

namespace WalletGrains.Api.Accounts;

/// <summary><c>/v1/accounts</c>: every custodied address on every configured chain, as its AccountGrain sees it.</summary>
public static class AccountsApi
{
    public static RouteGroupBuilder MapAccountsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1/accounts").WithTags("Accounts").RequireAuthorization(ApiPolicies.Read);

        group.MapGet("", ListAsync)
            .WithName("ListAccounts")
            .WithSummary("Every custodied address on every configured chain")
            .ProducesProblems(401, 429);

        group.MapGet("/{chainId}/{address}", GetAsync)
            .WithName("GetAccount")
            .WithSummary("One custodied account on one chain")
            .WithDescription("404 unknown_chain when the chain is not configured, 404 unknown_account when the address is not custodied.")
            .ProducesProblems(400, 401, 404, 429);

        return group;
    }

    /// <summary>GET /v1/accounts: chain by chain, addresses in custody order.</summary>
    internal static async Task<Ok<AccountListResource>> ListAsync(
        [FromServices] IChainRegistry chains,
        [FromServices] IKeyStore keys,
        [FromServices] IGrainFactory grains)
    {
        var addresses = keys.Addresses.OrderBy(a => a.ToLowerHex(), StringComparer.Ordinal).ToList();
        var views = await Task.WhenAll(
            from chain in chains.Chains.OrderBy(c => c.ChainId)
            from address in addresses
            select grains.GetGrain<IAccountGrain>(GrainKeys.Account(chain.ChainId, address)).GetAsync());
        return TypedResults.Ok(new AccountListResource([.. views.Select(AccountResource.From)]));
    }

    /// <summary>GET /v1/accounts/{chainId}/{address}.</summary>
    internal static async Task<Results<Ok<AccountResource>, ProblemHttpResult>> GetAsync(
        [Description("Chain id, decimal.")] string chainId,
        [Description("Address, lower case or EIP-55.")] string address,
        [FromServices] IChainRegistry chains,
        [FromServices] IKeyStore keys,
        [FromServices] IGrainFactory grains)
    {
        if (!UInt256.TryParse(chainId, out var wide) || !wide.FitsInUInt64)
        {
            return ApiProblem.For(WalletErrorCodes.InvalidRequest, $"'chainId' must be an integer between 0 and 2^64-1; got '{JsonFields.Truncate(chainId)}'.").ToResult();
        }

        if (!JsonFields.TryParseAddress(address, "address", out var account, out var problem))
        {
            return problem.ToResult();
        }

        var id = wide.ToUInt64();
        if (!chains.TryGet(id, out _))
        {
            return new ApiProblem(StatusCodes.Status404NotFound, WalletErrorCodes.UnknownChain, $"Chain {id} is not configured.").ToResult();
        }

        if (!keys.Contains(account))
        {
            return new ApiProblem(StatusCodes.Status404NotFound, WalletErrorCodes.UnknownAccount, $"{account} is not a custodied account.").ToResult();
        }

        var view = await grains.GetGrain<IAccountGrain>(GrainKeys.Account(id, account)).GetAsync();
        return TypedResults.Ok(AccountResource.From(view));
    }
}

/// <summary>The account resource: nonces, pending and queued counts, balance (wei string) when known.</summary>
public sealed record AccountResource(
    ulong ChainId,
    string Address,
    ulong NextNonce,
    ulong ConfirmedNonce,
    int Pending,
    int Queued,
    [property: Description("Native balance in wei at the latest polled block; null when not yet known.")] string? Balance,
    DateTimeOffset? OldestPendingSince,
    int FeeBumps,
    string? PausedReason)
{
    internal static AccountResource From(AccountView view) => new(
        view.ChainId,
        view.Address.ToChecksumString(),
        view.NextNonce,
        view.ConfirmedNonce,
        view.Pending,
        view.Queued,
        view.Balance?.ToString(),
        view.OldestPendingSince,
        view.FeeBumps,
        view.PausedReason);
}

/// <summary>Every custodied account on every configured chain.</summary>
public sealed record AccountListResource(IReadOnlyList<AccountResource> Items);
