using System.Collections.Immutable;
using System.ComponentModel;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains;
using WalletGrains.Grains.Storage;

namespace WalletGrains.Api.ApiKeys;

/// <summary><c>/v1/api-keys</c> (admin): creates API keys; the secret is in the response once and stored only as a hash.</summary>
public static class ApiKeysApi
{
    private static readonly string[] KnownProperties = ["role", "allowedFrom"];

    /// <summary>Most addresses on one sender's allow-list.</summary>
    public const int MaxAllowedFrom = 1000;

    private const int MaxBodyBytes = 128 * 1024;

    public static RouteGroupBuilder MapApiKeysApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1/api-keys").WithTags("API keys").RequireAuthorization(ApiPolicies.Admin);

        group.MapPost("", CreateAsync)
            .WithName("CreateApiKey")
            .WithSummary("Create an API key (admin)")
            .WithDescription("Roles: admin (everything, sends from any custodied address), sender (reads; sends and cancels from its allowedFrom list, "
                + "which must not be empty), reader (reads only). allowedFrom is only for senders. The key is shown in this response only.")
            .Accepts<CreateApiKeyBody>("application/json")
            .ProducesProblems(400, 401, 403, 415, 429);

        return group;
    }

    /// <summary>POST /v1/api-keys.</summary>
    internal static async Task<Results<Created<ApiKeyCreatedResource>, ProblemHttpResult>> CreateAsync(
        HttpRequest request,
        ApiCaller caller,
        [FromServices] IWalletStore store,
        [FromServices] ApiKeyAuthenticator authenticator,
        [FromServices] TimeProvider time,
        [FromServices] ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        string role;
        ImmutableArray<Address> allowedFrom;
        using (var body = await JsonBody.ReadAsync(request, MaxBodyBytes, cancellationToken))
        {
            if (body.Problem is not null)
            {
                return body.Problem.ToResult();
            }

            if (!TryParse(body.Document!.RootElement, out role, out allowedFrom, out var problem))
            {
                return problem.ToResult();
            }
        }

        var (key, hash) = ApiKeySecrets.Generate();
        var record = new ApiKeyRecord(ApiKeySecrets.NewId(), hash, role, allowedFrom, time.GetUtcNow(), null);
        await store.InsertApiKeyAsync(record, cancellationToken);
        authenticator.Remember(hash, new ApiCaller(record.Id, record.Role, record.AllowedFrom));
        var log = loggers.CreateLogger(typeof(ApiKeysApi));
        Log.ApiKeyCreated(log, record.Id, role, caller.KeyId);

        // The secret must not linger in caches between here and the client.
        request.HttpContext.Response.Headers[HeaderNames.CacheControl] = "no-store";
        return TypedResults.Created(
            (string?)null,
            new ApiKeyCreatedResource(record.Id, key, role, [.. allowedFrom.Select(a => a.ToChecksumString())], record.CreatedAt));
    }

    private static bool TryParse(JsonElement body, out string role, out ImmutableArray<Address> allowedFrom, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out ApiProblem? problem)
    {
        role = "";
        allowedFrom = [];
        if (!JsonFields.TryCheckProperties(body, KnownProperties, out problem))
        {
            return false;
        }

        if (!body.TryGetProperty("role", out var roleElement) || roleElement.ValueKind != JsonValueKind.String || !ApiRoles.IsValid(roleElement.GetString()))
        {
            problem = ApiProblem.For(WalletErrorCodes.InvalidRequest, $"'role' must be \"{ApiRoles.Admin}\", \"{ApiRoles.Sender}\" or \"{ApiRoles.Reader}\".");
            return false;
        }

        role = roleElement.GetString()!;
        var addresses = ImmutableArray.CreateBuilder<Address>();
        if (body.TryGetProperty("allowedFrom", out var listElement) && listElement.ValueKind != JsonValueKind.Null)
        {
            if (listElement.ValueKind != JsonValueKind.Array)
            {
                problem = ApiProblem.For(WalletErrorCodes.InvalidRequest, $"'allowedFrom' must be an array of addresses; got a JSON {JsonFields.Describe(listElement)}.");
                return false;
            }

            if (listElement.GetArrayLength() > MaxAllowedFrom)
            {
                problem = ApiProblem.For(WalletErrorCodes.InvalidRequest, $"'allowedFrom' may hold at most {MaxAllowedFrom} addresses; got {listElement.GetArrayLength()}.");
                return false;
            }

            var index = 0;
            foreach (var item in listElement.EnumerateArray())
            {
                if (!JsonFields.TryReadAddress(item, $"allowedFrom[{index}]", out var address, out problem))
                {
                    return false;
                }

                if (!addresses.Contains(address))
                {
                    addresses.Add(address);
                }

                index++;
            }
        }

        if (role == ApiRoles.Sender && addresses.Count == 0)
        {
            problem = ApiProblem.For(WalletErrorCodes.InvalidRequest, "A sender key needs a non-empty 'allowedFrom': senders may send only from listed addresses.");
            return false;
        }

        if (role != ApiRoles.Sender && addresses.Count > 0)
        {
            problem = ApiProblem.For(WalletErrorCodes.InvalidRequest, $"'allowedFrom' applies to sender keys only; an {role} key must not have one.");
            return false;
        }

        allowedFrom = addresses.ToImmutable();
        problem = null;
        return true;
    }
}

/// <summary>The body of <c>POST /v1/api-keys</c> as documented in OpenAPI (parsed strictly by the handler).</summary>
public sealed record CreateApiKeyBody(
    [property: Description("admin, sender or reader.")] string Role,
    [property: Description("For senders (required, non-empty): the from addresses this key may send from.")] IReadOnlyList<string>? AllowedFrom = null);

/// <summary>A new API key. <see cref="Key"/> is shown here once and cannot be read again.</summary>
public sealed record ApiKeyCreatedResource(
    string Id,
    [property: Description("The secret: send it as 'Authorization: Bearer <key>'. Shown once.")] string Key,
    string Role,
    IReadOnlyList<string> AllowedFrom,
    DateTimeOffset CreatedAt);
