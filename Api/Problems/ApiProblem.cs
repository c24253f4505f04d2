using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using WalletGrains.Grains;

namespace WalletGrains.Api;

/// <summary>
/// An RFC 7807 problem with the stable <c>code</c> extension (DESIGN.md §6). Handlers build these and
/// turn them into <see cref="ProblemHttpResult"/>s; middleware (auth, rate limits) writes them directly.
/// </summary>
/// <param name="Data">Optional extra detail, such as revert data as 0x-hex (extension <c>data</c>).</param>
public sealed record ApiProblem(int Status, string Code, string Detail, string? Data = null)
{
    /// <summary>The problem for a code, with the status the code maps to.</summary>
    public static ApiProblem For(string code, string detail, string? data = null) => new(ApiErrorCodes.StatusFor(code), code, detail, data);

    /// <summary>The problem for a grain-level rejection (<see cref="SendOutcome.Error"/>).</summary>
    public static ApiProblem From(WalletError error) => For(error.Code, error.Message, error.Data);

    /// <summary>The ProblemDetails body; <c>traceId</c> is added when it is written.</summary>
    public Microsoft.AspNetCore.Mvc.ProblemDetails ToProblemDetails()
    {
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = Status,
            Title = ApiErrorCodes.TitleFor(Code),
            Detail = Detail,
        };
        problem.Extensions[ApiErrorCodes.CodeExtension] = Code;
        if (Data is not null)
        {
            problem.Extensions[ApiErrorCodes.DataExtension] = Data;
        }

        return problem;
    }

    /// <summary>The typed result handlers return.</summary>
    public ProblemHttpResult ToResult() => TypedResults.Problem(ToProblemDetails());
}

/// <summary>
/// The code → HTTP status table. Codes come from <see cref="WalletErrorCodes"/> plus the few only the
/// API produces; a code the table does not know (a newer grain) maps to 422.
/// </summary>
public static class ApiErrorCodes
{
    /// <summary>The ProblemDetails extension carrying the stable code.</summary>
    public const string CodeExtension = "code";

    /// <summary>The ProblemDetails extension carrying extra data (revert data).</summary>
    public const string DataExtension = "data";

    /// <summary>An unexpected server fault (500); details are in the log, under the traceId.</summary>
    public const string InternalError = "internal_error";

    private static readonly Dictionary<string, (int Status, string Title)> Table = new(StringComparer.Ordinal)
    {
        [WalletErrorCodes.InvalidRequest] = (StatusCodes.Status400BadRequest, "Invalid request"),
        [WalletErrorCodes.InvalidAddress] = (StatusCodes.Status400BadRequest, "Invalid address"),
        [WalletErrorCodes.InvalidAmount] = (StatusCodes.Status400BadRequest, "Invalid amount"),
        [WalletErrorCodes.InvalidHex] = (StatusCodes.Status400BadRequest, "Invalid hex"),
        [WalletErrorCodes.DataTooLarge] = (StatusCodes.Status413PayloadTooLarge, "Data too large"),
        [WalletErrorCodes.UnknownChain] = (StatusCodes.Status400BadRequest, "Unknown chain"),
        [WalletErrorCodes.UnknownAccount] = (StatusCodes.Status422UnprocessableEntity, "Unknown account"),
        [WalletErrorCodes.FromNotAllowed] = (StatusCodes.Status403Forbidden, "Sender not allowed"),
        [WalletErrorCodes.Unauthorized] = (StatusCodes.Status401Unauthorized, "Unauthorized"),
        [WalletErrorCodes.Forbidden] = (StatusCodes.Status403Forbidden, "Forbidden"),
        [WalletErrorCodes.NotFound] = (StatusCodes.Status404NotFound, "Not found"),
        [WalletErrorCodes.InsufficientFunds] = (StatusCodes.Status422UnprocessableEntity, "Insufficient funds"),
        [WalletErrorCodes.FeeCapExceeded] = (StatusCodes.Status422UnprocessableEntity, "Fee cap exceeded"),
        [WalletErrorCodes.ExecutionReverted] = (StatusCodes.Status422UnprocessableEntity, "Execution reverted"),
        [WalletErrorCodes.GasEstimationFailed] = (StatusCodes.Status422UnprocessableEntity, "Gas estimation failed"),
        [WalletErrorCodes.IdempotencyConflict] = (StatusCodes.Status422UnprocessableEntity, "Idempotency conflict"),
        [WalletErrorCodes.RateLimited] = (StatusCodes.Status429TooManyRequests, "Rate limited"),
        [WalletErrorCodes.Overloaded] = (StatusCodes.Status503ServiceUnavailable, "Overloaded"),
        [WalletErrorCodes.ChainUnavailable] = (StatusCodes.Status503ServiceUnavailable, "Chain unavailable"),
        [WalletErrorCodes.NotCancellable] = (StatusCodes.Status409Conflict, "Not cancellable"),
        [InternalError] = (StatusCodes.Status500InternalServerError, "Internal error"),
    };

    /// <summary>The HTTP status of a code; 422 for codes this table does not know.</summary>
    public static int StatusFor(string code) =>
        Table.TryGetValue(code, out var entry) ? entry.Status : StatusCodes.Status422UnprocessableEntity;

    /// <summary>A short human title for a code.</summary>
    public static string TitleFor(string code) =>
        Table.TryGetValue(code, out var entry) ? entry.Title : "Request rejected";

    /// <summary>
    /// The code for a bodiless error response produced outside the handlers (unknown route, wrong method,
    /// a framework rejection), so every error carries a code.
    /// </summary>
    public static string ForStatus(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => WalletErrorCodes.Unauthorized,
        StatusCodes.Status403Forbidden => WalletErrorCodes.Forbidden,
        StatusCodes.Status404NotFound => WalletErrorCodes.NotFound,
        StatusCodes.Status413PayloadTooLarge => WalletErrorCodes.DataTooLarge,
        StatusCodes.Status429TooManyRequests => WalletErrorCodes.RateLimited,
        StatusCodes.Status503ServiceUnavailable => WalletErrorCodes.Overloaded,
        >= 500 => InternalError,
        _ => WalletErrorCodes.InvalidRequest,
    };
}
