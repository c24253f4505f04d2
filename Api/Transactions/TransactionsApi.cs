using System.ComponentModel;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains;
using WalletGrains.Grains.Chains;
using WalletGrains.Grains.Keys;
using WalletGrains.Grains.Resources;
using WalletGrains.Grains.Sending;
using WalletGrains.Grains.Storage;
using WalletGrains.Runtime;

namespace WalletGrains.Api.Transactions;

/// <summary>
/// <c>/v1/transactions</c>: send, read, list and cancel custodied transactions (DESIGN.md §6). Every
/// check that needs no grain runs here first, so a rejected request persists nothing and reserves no
/// nonce (invariant 8); idempotency itself is the grain's (invariant 7).
/// </summary>
public static class TransactionsApi
{
    /// <summary>Request header naming a send for safe retries.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>Response header set to <c>true</c> when an earlier send with the same key and body was returned.</summary>
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>Longest Idempotency-Key, in printable ASCII characters.</summary>
    public const int MaxIdempotencyKeyLength = 255;

    /// <summary>Page size when <c>limit</c> is absent.</summary>
    public const int DefaultLimit = 50;

    /// <summary>Largest page size.</summary>
    public const int MaxLimit = 200;

    /// <summary>Longest cursor accepted (cursors are opaque strings from a previous page).</summary>
    public const int MaxCursorLength = 512;

    /// <summary>JSON besides <c>data</c> in a send body is small; this bounds it before parsing.</summary>
    private const int BodyOverheadBytes = 64 * 1024;

    public static RouteGroupBuilder MapTransactionsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1/transactions").WithTags("Transactions");

        group.MapPost("", SendAsync)
            .WithName("SendTransaction")
            .WithSummary("Send a transaction from a custodied account")
            .WithDescription("The service picks the nonce, signs, broadcasts and tracks it. Answers 202 with the Transaction and its Location. "
                + "With an Idempotency-Key, a retry with the same body returns the same transaction (header Idempotent-Replayed: true); a different body is 422 idempotency_conflict.")
            .RequireAuthorization(ApiPolicies.Send)
            .RequireRateLimiting(WalletRateLimiting.SendsPolicy)
            .Accepts<SendTransactionBody>("application/json")
            .ProducesProblems(400, 401, 403, 413, 415, 422, 429, 503);

        group.MapGet("/{id}", GetAsync)
            .WithName("GetTransaction")
            .WithSummary("One transaction")
            .RequireAuthorization(ApiPolicies.Read)
            .ProducesProblems(401, 404, 429);

        group.MapGet("", ListAsync)
            .WithName("ListTransactions")
            .WithSummary("Transactions, newest first, filtered and paged")
            .RequireAuthorization(ApiPolicies.Read)
            .ProducesProblems(400, 401, 429);

        group.MapPost("/{id}/cancel", CancelAsync)
            .WithName("CancelTransaction")
            .WithSummary("Cancel a pending transaction")
            .WithDescription("Replaces it with a zero-value self-transfer at the same nonce. Answers 202 with the Transaction (cancelRequested true); "
                + "409 not_cancellable when it can no longer be cancelled.")
            .RequireAuthorization(ApiPolicies.Send)
            .ProducesProblems(401, 403, 404, 409, 422, 429, 503);

        return group;
    }

    /// <summary>POST /v1/transactions.</summary>
    internal static async Task<Results<Accepted<TransactionResource>, ProblemHttpResult>> SendAsync(
        HttpRequest request,
        ApiCaller caller,
        [FromHeader(Name = IdempotencyKeyHeader), Description("Up to 255 printable ASCII characters naming this send for safe retries.")] string? idempotencyKey,
        [FromServices] ISendGateway gateway,
        [FromServices] IChainRegistry chains,
        [FromServices] IKeyStore keys,
        [FromServices] IOptions<ApiOptions> options,
        [FromServices] ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        _ = idempotencyKey; // Documented for OpenAPI; validated from the raw header (several values must be refused, not joined).
        if (!TryReadIdempotencyKey(request, out var key, out var problem))
        {
            return problem.ToResult();
        }

        var limits = options.Value;
        SendRequest? send;
        using (var body = await JsonBody.ReadAsync(request, ((long)limits.MaxDataBytes * 2) + BodyOverheadBytes, cancellationToken))
        {
            if (body.Problem is not null)
            {
                return body.Problem.ToResult();
            }

            if (!SendRequestParser.TryParse(body.Document!.RootElement, limits, out send, out problem))
            {
                return problem.ToResult();
            }
        }

        if (!chains.TryGet(send.ChainId, out _))
        {
            return ApiProblem.For(WalletErrorCodes.UnknownChain, $"Chain {send.ChainId} is not configured; configured: {string.Join(", ", chains.Chains.Select(c => c.ChainId))}.").ToResult();
        }

        if (!caller.MaySendFrom(send.From))
        {
            return ApiProblem.For(WalletErrorCodes.FromNotAllowed, $"API key '{caller.KeyId}' (role {caller.Role}) may not send from {send.From}.").ToResult();
        }

        if (!keys.Contains(send.From))
        {
            return ApiProblem.For(WalletErrorCodes.UnknownAccount, $"{send.From} is not a custodied account.").ToResult();
        }

        var log = loggers.CreateLogger(typeof(TransactionsApi));
        var outcome = await gateway.SendAsync(send.ToCommand(caller.KeyId, key), cancellationToken);
        if (outcome.Error is { } error)
        {
            Log.SendRejected(log, error.Code, send.ChainId, send.From);
            return ApiProblem.From(error).ToResult();
        }

        var tx = outcome.Transaction
            ?? throw new InvalidOperationException($"The send gateway returned neither a transaction nor an error for chain {send.ChainId} from {send.From}.");
        Log.SendAccepted(log, tx.Id, tx.ChainId, tx.From, outcome.Replayed);
        if (outcome.Replayed)
        {
            request.HttpContext.Response.Headers[ReplayedHeader] = "true";
        }

        return TypedResults.Accepted(Location(tx.Id), TransactionResource.Create(tx));
    }

    /// <summary>GET /v1/transactions/{id}.</summary>
    internal static async Task<Results<Ok<TransactionResource>, ProblemHttpResult>> GetAsync(
        string id,
        [FromServices] IWalletStore store,
        CancellationToken cancellationToken)
    {
        var tx = await store.GetTransactionAsync(id, cancellationToken);
        return tx is null
            ? NotFound(id).ToResult()
            : TypedResults.Ok(TransactionResource.Create(tx));
    }

    /// <summary>GET /v1/transactions?chainId&amp;from&amp;status&amp;limit&amp;cursor.</summary>
    internal static async Task<Results<Ok<TransactionPageResource>, ProblemHttpResult>> ListAsync(
        [FromQuery, Description("Only this chain.")] string? chainId,
        [FromQuery, Description("Only this sender (lower case or EIP-55).")] string? from,
        [FromQuery, Description("Only this status: queued, submitted, mined, confirmed, failed or cancelled.")] string? status,
        [FromQuery, Description("Page size, 1 to 200 (default 50).")] string? limit,
        [FromQuery, Description("nextCursor of the previous page.")] string? cursor,
        [FromServices] IWalletStore store,
        CancellationToken cancellationToken)
    {
        if (!TryParseQuery(chainId, from, status, limit, cursor, out var query, out var problem))
        {
            return problem.ToResult();
        }

        var page = await store.ListTransactionsAsync(query, cancellationToken);
        return TypedResults.Ok(new TransactionPageResource([.. page.Items.Select(TransactionResource.Create)], page.NextCursor));
    }

    /// <summary>POST /v1/transactions/{id}/cancel.</summary>
    internal static async Task<Results<Accepted<TransactionResource>, ProblemHttpResult>> CancelAsync(
        string id,
        ApiCaller caller,
        [FromServices] IWalletStore store,
        [FromServices] IGrainFactory grains,
        [FromServices] ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var existing = await store.GetTransactionAsync(id, cancellationToken);
        if (existing is null)
        {
            return NotFound(id).ToResult();
        }

        if (!caller.MaySendFrom(existing.From))
        {
            return ApiProblem.For(WalletErrorCodes.FromNotAllowed, $"API key '{caller.KeyId}' (role {caller.Role}) may not cancel transactions from {existing.From}.").ToResult();
        }

        var account = grains.GetGrain<IAccountGrain>(GrainKeys.Account(existing.ChainId, existing.From));
        var outcome = await account.CancelAsync(existing.Id);
        var log = loggers.CreateLogger(typeof(TransactionsApi));
        if (outcome.Error is { } error)
        {
            Log.CancelRequested(log, existing.Id, caller.KeyId, error.Code);
            return ApiProblem.From(error).ToResult();
        }

        var tx = outcome.Transaction ?? existing;
        Log.CancelRequested(log, tx.Id, caller.KeyId, "accepted");
        return TypedResults.Accepted(Location(tx.Id), TransactionResource.Create(tx));
    }

    /// <summary>
    /// The Idempotency-Key header: absent, or one value of 1–255 printable ASCII characters (0x20–0x7E).
    /// </summary>
    internal static bool TryReadIdempotencyKey(HttpRequest request, out string? key, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out ApiProblem? problem)
    {
        key = null;
        problem = null;
        if (!request.Headers.TryGetValue(IdempotencyKeyHeader, out var values))
        {
            return true;
        }

        if (values.Count != 1)
        {
            problem = ApiProblem.For(WalletErrorCodes.InvalidRequest, $"Send one {IdempotencyKeyHeader} header, not {values.Count}.");
            return false;
        }

        var value = values[0] ?? "";
        if (value.Length is 0 or > MaxIdempotencyKeyLength || value.AsSpan().ContainsAnyExceptInRange((char)0x20, (char)0x7E))
        {
            problem = ApiProblem.For(WalletErrorCodes.InvalidRequest, $"{IdempotencyKeyHeader} must be 1 to {MaxIdempotencyKeyLength} printable ASCII characters; got {value.Length} characters.");
            return false;
        }

        key = value;
        return true;
    }

    private static bool TryParseQuery(
        string? chainId, string? from, string? status, string? limit, string? cursor,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TransactionQuery? query,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out ApiProblem? problem)
    {
        query = null;
        ulong? chain = null;
        if (chainId is not null)
        {
            if (!UInt256.TryParse(chainId, out var wide) || !wide.FitsInUInt64)
            {
                problem = ApiProblem.For(WalletErrorCodes.InvalidRequest, $"'chainId' must be an integer between 0 and 2^64-1; got '{JsonFields.Truncate(chainId)}'.");
                return false;
            }

            chain = wide.ToUInt64();
        }

        Address? sender = null;
        if (from is not null)
        {
            if (!JsonFields.TryParseAddress(from, "from", out var address, out problem))
            {
                return false;
            }

            sender = address;
        }

        if (status is not null && !TransactionStatus.All.Contains(status))
        {
            problem = ApiProblem.For(WalletErrorCodes.InvalidRequest, $"'status' must be one of {string.Join(", ", TransactionStatus.All)}; got '{JsonFields.Truncate(status)}'.");
            return false;
        }

        var size = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxLimit))
        {
            problem = ApiProblem.For(WalletErrorCodes.InvalidRequest, $"'limit' must be an integer from 1 to {MaxLimit}; got '{JsonFields.Truncate(limit)}'.");
            return false;
        }

        if (cursor is not null && (cursor.Length is 0 or > MaxCursorLength))
        {
            problem = ApiProblem.For(WalletErrorCodes.InvalidRequest, $"'cursor' must be the nextCursor of a previous page (1 to {MaxCursorLength} characters).");
            return false;
        }

        query = new TransactionQuery(chain, sender, status, size, cursor);
        problem = null;
        return true;
    }

    private static string Location(string id) => "/v1/transactions/" + Uri.EscapeDataString(id);

    private static ApiProblem NotFound(string id) =>
        ApiProblem.For(WalletErrorCodes.NotFound, $"No transaction with id '{JsonFields.Truncate(id)}'.");
}
