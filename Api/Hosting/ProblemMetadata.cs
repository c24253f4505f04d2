using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace WalletGrains.Api;

/// <summary>OpenAPI metadata shared by the route groups.</summary>
internal static class ProblemMetadata
{
    /// <summary>Declares that the endpoint answers each of <paramref name="statusCodes"/> with a ProblemDetails body.</summary>
    public static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder builder, params int[] statusCodes)
    {
        foreach (var statusCode in statusCodes)
        {
            builder.ProducesProblem(statusCode);
        }

        return builder;
    }
}
