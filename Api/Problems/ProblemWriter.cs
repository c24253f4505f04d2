using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WalletGrains.Api;

/// <summary>Writes <see cref="ApiProblem"/>s outside handlers and makes every ProblemDetails carry <c>code</c> and <c>traceId</c>.</summary>
internal static class ProblemWriter
{
    /// <summary>The trace id extension: the W3C activity id when tracing, else the request's id.</summary>
    public const string TraceIdExtension = "traceId";

    /// <summary>Writes the problem as application/problem+json with its status.</summary>
    public static ValueTask WriteAsync(HttpContext context, ApiProblem problem)
    {
        context.Response.StatusCode = problem.Status;
        var service = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        return service.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem.ToProblemDetails() });
    }

    /// <summary>The <c>CustomizeProblemDetails</c> hook: fills <c>code</c> from the status when a producer had none, and <c>traceId</c>.</summary>
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        if (!problem.Extensions.ContainsKey(ApiErrorCodes.CodeExtension))
        {
            problem.Extensions[ApiErrorCodes.CodeExtension] = ApiErrorCodes.ForStatus(status);
        }

        problem.Extensions[TraceIdExtension] = Activity.Current?.Id ?? context.HttpContext.TraceIdentifier;
    }
}

/// <summary>
/// Turns exceptions that escaped a handler into ProblemDetails: framework request rejections
/// (<see cref="BadHttpRequestException"/>) keep their status as <c>invalid_request</c>; anything else is
/// logged and answered 500 <c>internal_error</c> without its message (it may carry internals).
/// </summary>
internal sealed class WalletExceptionHandler(ILogger<WalletExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody is listening for an answer.
            return true;
        }

        if (exception is BadHttpRequestException bad)
        {
            var problem = bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? new ApiProblem(bad.StatusCode, Grains.WalletErrorCodes.DataTooLarge, bad.Message)
                : new ApiProblem(bad.StatusCode, Grains.WalletErrorCodes.InvalidRequest, bad.Message);
            await ProblemWriter.WriteAsync(httpContext, problem);
            return true;
        }

        Log.UnhandledException(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
        await ProblemWriter.WriteAsync(
            httpContext,
            new ApiProblem(StatusCodes.Status500InternalServerError, ApiErrorCodes.InternalError, "The request failed unexpectedly; the server log has the details under this traceId."));
        return true;
    }
}
