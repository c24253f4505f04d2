using System.ComponentModel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains;
using WalletGrains.Grains.Chains;
using WalletGrains.Grains.Watches;

namespace WalletGrains.Api.Watches;

/// <summary>
/// <c>/v1/watches</c>: addresses to follow for balances and incoming activity (DESIGN.md §6), with the ERC-20 tokens
/// whose balances to read. Custodied accounts are followed without a watch. Changes take effect at the chain's next
/// block. Every check runs before the store is touched, so a rejected request writes nothing.
/// </summary>
public static class WatchesApi
{
    /// <summary>Most tokens one watch reads (each is one read per block).</summary>
    public const int MaxTokens = 50;

    private const int MaxBodyBytes = 64 * 1024;

    public static RouteGroupBuilder MapWatchesApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1/watches").WithTags("Watches");

        group.MapPost("", UpsertAsync)
            .WithName("UpsertWatch")
            .WithSummary("Follow an address's balances and activity on a chain")
            .WithDescription("Answers 201 with the watch when it is new, 200 when it existed (its token list is replaced, createdAt kept). "
                + "400 unknown_chain for a chain that is not configured, invalid_address for a malformed address or a wrong EIP-55 checksum, "
                + "too_many_tokens above 50 tokens.")
            .RequireAuthorization(ApiPolicies.Send)
            .Accepts<WatchBody>("application/json")
            .ProducesProblems(400, 401, 403, 413, 415, 429);

        group.MapGet("", ListAsync)
            .WithName("ListWatches")
            .WithSummary("Watches, ordered by chain then address")
            .RequireAuthorization(ApiPolicies.Read)
            .ProducesProblems(400, 401, 429);

        group.MapGet("/{chainId}/{address}", GetAsync)
            .WithName("GetWatch")
            .WithSummary("One watch")
            .RequireAuthorization(ApiPolicies.Read)
            .ProducesProblems(400, 401, 404, 429);

        group.MapDelete("/{chainId}/{address}", DeleteAsync)
            .WithName("DeleteWatch")
            .WithSummary("Stop following a watched address")
            .WithDescription("204 when the watch was removed, 404 not_found when there was none. A custodied account stays followed.")
            .RequireAuthorization(ApiPolicies.Send)
            .ProducesProblems(400, 401, 403, 404, 429);

        return group;
    }

    /// <summary>POST /v1/watches.</summary>
    internal static async Task<Results<Created<WatchResource>, Ok<WatchResource>, ProblemHttpResult>> UpsertAsync(
        HttpRequest request,
        ApiCaller caller,
        [FromServices] IWatchStore store,
        [FromServices] IChainRegistry chains,
        [FromServices] TimeProvider time,
        [FromServices] ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        WatchRequest? watch;
        using (var body = await JsonBody.ReadAsync(request, MaxBodyBytes, cancellationToken))
        {
            if (body.Problem is not null)
            {
                return body.Problem.ToResult();
            }

            if (!WatchRequestParser.TryParse(body.Document!.RootElement, out watch, out var problem))
            {
                return problem.ToResult();
            }
        }

        if (!chains.TryGet(watch.ChainId, out _))
        {
            return ApiProblem.For(WalletErrorCodes.UnknownChain, $"Chain {watch.ChainId} is not configured; configured: {string.Join(", ", chains.Chains.Select(c => c.ChainId))}.").ToResult();
        }

        // 201 or 200 from a read before the write: two concurrent first POSTs of one address may both answer 201, with
        // the same stored watch.
        var existed = await store.GetAsync(watch.ChainId, watch.Address, cancellationToken) is not null;
        var stored = await store.UpsertAsync(new Watch(watch.ChainId, watch.Address, watch.Tokens, time.GetUtcNow()), cancellationToken);
        var log = loggers.CreateLogger(typeof(WatchesApi));
        var action = existed ? "replaced" : "created";
        WatchesLog.Upserted(log, stored.Address, stored.ChainId, action, caller.KeyId, stored.Tokens.Length);
        var resource = WatchResource.From(stored);
        return existed ? TypedResults.Ok(resource) : TypedResults.Created(Location(stored), resource);
    }

    /// <summary>GET /v1/watches?chainId=.</summary>
    internal static async Task<Results<Ok<WatchListResource>, ProblemHttpResult>> ListAsync(
        [FromQuery, Description("Only this chain.")] string? chainId,
        [FromServices] IWatchStore store,
        CancellationToken cancellationToken)
    {
        ulong? chain = null;
        if (chainId is not null)
        {
            if (!TryParseChainId(chainId, out var id, out var problem))
            {
                return problem.ToResult();
            }

            chain = id;
        }

        var watches = await store.ListAsync(chain, cancellationToken);
        return TypedResults.Ok(new WatchListResource([.. watches.Select(WatchResource.From)]));
    }

    /// <summary>GET /v1/watches/{chainId}/{address}.</summary>
    internal static async Task<Results<Ok<WatchResource>, ProblemHttpResult>> GetAsync(
        [Description("Chain id, decimal.")] string chainId,
        [Description("Address, lower case or EIP-55.")] string address,
        [FromServices] IWatchStore store,
        CancellationToken cancellationToken)
    {
        if (!TryParseRoute(chainId, address, out var chain, out var watched, out var problem))
        {
            return problem.ToResult();
        }

        return await store.GetAsync(chain, watched, cancellationToken) is { } watch
            ? TypedResults.Ok(WatchResource.From(watch))
            : NotFound(chain, watched).ToResult();
    }

    /// <summary>DELETE /v1/watches/{chainId}/{address}.</summary>
    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        [Description("Chain id, decimal.")] string chainId,
        [Description("Address, lower case or EIP-55.")] string address,
        ApiCaller caller,
        [FromServices] IWatchStore store,
        [FromServices] ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        if (!TryParseRoute(chainId, address, out var chain, out var watched, out var problem))
        {
            return problem.ToResult();
        }

        // Not limited to configured chains, so watches of a chain taken out of configuration can still be cleaned up.
        if (!await store.RemoveAsync(chain, watched, cancellationToken))
        {
            return NotFound(chain, watched).ToResult();
        }

        var log = loggers.CreateLogger(typeof(WatchesApi));
        WatchesLog.Removed(log, watched, chain, caller.KeyId);
        return TypedResults.NoContent();
    }

    /// <summary>A chain id in a route or query: decimal or 0x-hex, 0 to 2^64-1 (else <c>invalid_request</c>).</summary>
    internal static bool TryParseChainId(string text, out ulong chainId, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out ApiProblem? problem)
    {
        chainId = 0;
        if (!UInt256.TryParse(text, out var wide) || !wide.FitsInUInt64)
        {
            problem = ApiProblem.For(WalletErrorCodes.InvalidRequest, $"'chainId' must be an integer between 0 and 2^64-1; got '{JsonFields.Truncate(text)}'.");
            return false;
        }

        chainId = wide.ToUInt64();
        problem = null;
        return true;
    }

    /// <summary>The <c>{chainId}/{address}</c> route values.</summary>
    internal static bool TryParseRoute(string chainId, string address, out ulong chain, out Address parsed, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out ApiProblem? problem)
    {
        parsed = default;
        return TryParseChainId(chainId, out chain, out problem) && JsonFields.TryParseAddress(address, "address", out parsed, out problem);
    }

    private static string Location(Watch watch) => $"/v1/watches/{watch.ChainId}/{watch.Address.ToChecksumString()}";

    private static ApiProblem NotFound(ulong chainId, Address address) =>
        new(StatusCodes.Status404NotFound, WalletErrorCodes.NotFound, $"No watch of {address} on chain {chainId}.");
}

/// <summary>A watch: addresses EIP-55, tokens in the order given.</summary>
public sealed record WatchResource(
    ulong ChainId,
    string Address,
    [property: Description("ERC-20 contracts whose balances are read besides the native balance.")] IReadOnlyList<string> Tokens,
    DateTimeOffset CreatedAt)
{
    internal static WatchResource From(Watch watch) => new(
        watch.ChainId,
        watch.Address.ToChecksumString(),
        watch.Tokens.IsDefault ? [] : [.. watch.Tokens.Select(t => t.ToChecksumString())],
        watch.CreatedAt);
}

/// <summary>Watches, ordered by chain then address.</summary>
public sealed record WatchListResource(IReadOnlyList<WatchResource> Items);
