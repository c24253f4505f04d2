using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using WalletGrains.Grains;
using WalletGrains.Grains.Delivery;

namespace WalletGrains.Api.Webhooks;

/// <summary>
/// <c>/v1/webhooks</c> (admin): subscribe URLs to the event log (DESIGN.md §6). A new webhook receives the events
/// appended after its creation, one signed POST each, in id order, at least once; its secret is in the creation
/// response only. A webhook whose receiver keeps failing for the retry window is disabled with a reason, and
/// <c>POST /v1/webhooks/{id}/enable</c> resumes it from its cursor. A rejected request writes nothing.
/// </summary>
public static class WebhooksApi
{
    private static readonly string[] KnownProperties = ["url", "events"];

    private const int MaxBodyBytes = 16 * 1024;

    /// <summary>How often enable/disable re-read a webhook that the dispatcher updated in between.</summary>
    private const int MaxUpdateRetries = 10;

    public static RouteGroupBuilder MapWebhooksApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1/webhooks").WithTags("Webhooks").RequireAuthorization(ApiPolicies.Admin);

        group.MapPost("", CreateAsync)
            .WithName("CreateWebhook")
            .WithSummary("Subscribe a URL to events (admin)")
            .WithDescription("Each matching event after creation is POSTed as its JSON {id, type, createdAt, chainId, removed, data} with header "
                + "WalletGrains-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(UTF-8 bytes of the secret, \"<t>.<raw body>\")>. "
                + "Only a 2xx answer counts; failures are retried with exponential backoff and jitter, in order, for at least 24 hours, then the webhook is disabled. "
                + "Deliver-at-least-once: deduplicate by event id. The secret is shown in this response only.")
            .Accepts<CreateWebhookBody>("application/json")
            .ProducesProblems(400, 401, 403, 413, 415, 429);

        group.MapGet("", ListAsync)
            .WithName("ListWebhooks")
            .WithSummary("Every webhook with its delivery state (admin)")
            .ProducesProblems(401, 403, 429);

        group.MapGet("/{id}", GetAsync)
            .WithName("GetWebhook")
            .WithSummary("One webhook with its delivery state (admin)")
            .ProducesProblems(401, 403, 404, 429);

        group.MapDelete("/{id}", DeleteAsync)
            .WithName("DeleteWebhook")
            .WithSummary("Delete a webhook (admin)")
            .WithDescription("Stops delivery; a request in flight may still arrive.")
            .ProducesProblems(401, 403, 404, 429);

        group.MapPost("/{id}/enable", EnableAsync)
            .WithName("EnableWebhook")
            .WithSummary("Enable a disabled webhook (admin)")
            .WithDescription("Delivery resumes at once from the cursor, with the first event that was not delivered; the retry window starts over.")
            .ProducesProblems(401, 403, 404, 429);

        group.MapPost("/{id}/disable", DisableAsync)
            .WithName("DisableWebhook")
            .WithSummary("Pause a webhook (admin)")
            .WithDescription("Delivery stops and the cursor stays; enable resumes from it.")
            .ProducesProblems(401, 403, 404, 429);

        return group;
    }

    /// <summary>POST /v1/webhooks.</summary>
    internal static async Task<Results<Created<WebhookCreatedResource>, ProblemHttpResult>> CreateAsync(
        HttpRequest request,
        ApiCaller caller,
        [FromServices] IWebhookStore store,
        [FromServices] IWebhookDispatcher dispatcher,
        [FromServices] TimeProvider time,
        [FromServices] ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        Uri url;
        EventTypeFilter filter;
        using (var body = await JsonBody.ReadAsync(request, MaxBodyBytes, cancellationToken))
        {
            if (body.Problem is not null)
            {
                return body.Problem.ToResult();
            }

            if (!TryParse(body.Document!.RootElement, out url, out filter, out var problem))
            {
                return problem.ToResult();
            }
        }

        var webhook = await store.CreateAsync(
            new NewWebhook(WebhookSecrets.NewId(), url, filter.Patterns, WebhookSecrets.NewSecret(), time.GetUtcNow(), caller.KeyId),
            cancellationToken);
        dispatcher.Wake();
        var log = loggers.CreateLogger(typeof(WebhooksApi));
        DeliveryApiLog.WebhookCreated(log, webhook.Id, caller.KeyId);

        // The secret must not linger in caches between here and the client.
        request.HttpContext.Response.Headers[HeaderNames.CacheControl] = "no-store";
        return TypedResults.Created(
            Location(webhook.Id),
            new WebhookCreatedResource(webhook.Id, webhook.Url.AbsoluteUri, webhook.Events, webhook.Secret, webhook.State, webhook.LastEventId, webhook.CreatedAt, webhook.CreatedBy));
    }

    /// <summary>GET /v1/webhooks.</summary>
    internal static async Task<Ok<WebhookListResource>> ListAsync([FromServices] IWebhookStore store, CancellationToken cancellationToken)
    {
        var webhooks = await store.ListAsync(cancellationToken);
        return TypedResults.Ok(new WebhookListResource([.. webhooks.Select(WebhookResource.From)]));
    }

    /// <summary>GET /v1/webhooks/{id}.</summary>
    internal static async Task<Results<Ok<WebhookResource>, ProblemHttpResult>> GetAsync(
        [Description("The webhook's id.")] string id,
        [FromServices] IWebhookStore store,
        CancellationToken cancellationToken)
    {
        var webhook = await store.GetAsync(id, cancellationToken);
        return webhook is null ? NotFound(id).ToResult() : TypedResults.Ok(WebhookResource.From(webhook));
    }

    /// <summary>DELETE /v1/webhooks/{id}.</summary>
    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        [Description("The webhook's id.")] string id,
        ApiCaller caller,
        [FromServices] IWebhookStore store,
        [FromServices] IWebhookDispatcher dispatcher,
        [FromServices] ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        if (!await store.DeleteAsync(id, cancellationToken))
        {
            return NotFound(id).ToResult();
        }

        dispatcher.Wake();
        var log = loggers.CreateLogger(typeof(WebhooksApi));
        DeliveryApiLog.WebhookDeleted(log, id, caller.KeyId);
        return TypedResults.NoContent();
    }

    /// <summary>POST /v1/webhooks/{id}/enable.</summary>
    internal static Task<Results<Ok<WebhookResource>, ProblemHttpResult>> EnableAsync(
        [Description("The webhook's id.")] string id,
        ApiCaller caller,
        [FromServices] IWebhookStore store,
        [FromServices] IWebhookDispatcher dispatcher,
        [FromServices] ILoggerFactory loggers,
        CancellationToken cancellationToken) =>
        ChangeStateAsync(id, store, dispatcher, w => w.IsEnabled ? null : w.Enable(), log => DeliveryApiLog.WebhookEnabled(log, id, caller.KeyId), loggers, cancellationToken);

    /// <summary>POST /v1/webhooks/{id}/disable.</summary>
    internal static Task<Results<Ok<WebhookResource>, ProblemHttpResult>> DisableAsync(
        [Description("The webhook's id.")] string id,
        ApiCaller caller,
        [FromServices] IWebhookStore store,
        [FromServices] IWebhookDispatcher dispatcher,
        [FromServices] TimeProvider time,
        [FromServices] ILoggerFactory loggers,
        CancellationToken cancellationToken) =>
        ChangeStateAsync(
            id,
            store,
            dispatcher,
            w => w.IsEnabled ? w.Disable($"Disabled through the API by key '{caller.KeyId}'.", time.GetUtcNow()) : null,
            log => DeliveryApiLog.WebhookDisabled(log, id, caller.KeyId),
            loggers,
            cancellationToken);

    /// <summary>Reads, changes (null: nothing to change) and writes over the version read; re-reads when the dispatcher wrote in between.</summary>
    private static async Task<Results<Ok<WebhookResource>, ProblemHttpResult>> ChangeStateAsync(
        string id,
        IWebhookStore store,
        IWebhookDispatcher dispatcher,
        Func<Webhook, Webhook?> change,
        Action<ILogger> changed,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxUpdateRetries; attempt++)
        {
            var webhook = await store.GetAsync(id, cancellationToken);
            if (webhook is null)
            {
                return NotFound(id).ToResult();
            }

            if (change(webhook) is not { } updated)
            {
                return TypedResults.Ok(WebhookResource.From(webhook));
            }

            if (await store.TryUpdateAsync(updated, cancellationToken) is { } written)
            {
                dispatcher.Wake();
                var log = loggers.CreateLogger(typeof(WebhooksApi));
                changed(log);
                return TypedResults.Ok(WebhookResource.From(written));
            }
        }

        throw new InvalidOperationException($"Webhook '{id}' changed {MaxUpdateRetries} times while its state was being changed.");
    }

    private static bool TryParse(JsonElement body, out Uri url, out EventTypeFilter filter, [NotNullWhen(false)] out ApiProblem? problem)
    {
        url = null!;
        filter = null!;
        if (!JsonFields.TryCheckProperties(body, KnownProperties, out problem))
        {
            return false;
        }

        if (!body.TryGetProperty("url", out var urlElement) || urlElement.ValueKind != JsonValueKind.String)
        {
            problem = ApiProblem.For(WalletErrorCodes.InvalidRequest, "'url' must be a string: the absolute http or https URL that receives the events.");
            return false;
        }

        if (!WebhookUrl.TryParse(urlElement.GetString(), out var parsed, out var reason))
        {
            problem = ApiProblem.For(WalletErrorCodes.InvalidRequest, reason);
            return false;
        }

        if (!body.TryGetProperty("events", out var eventsElement) || eventsElement.ValueKind != JsonValueKind.Array)
        {
            problem = ApiProblem.For(WalletErrorCodes.InvalidRequest, "'events' must be an array of event type patterns, e.g. [\"transaction.*\", \"balance.changed\"] or [\"*\"].");
            return false;
        }

        if (eventsElement.GetArrayLength() > EventTypeFilter.MaxPatterns)
        {
            problem = ApiProblem.For(WalletErrorCodes.InvalidRequest, $"'events' may hold at most {EventTypeFilter.MaxPatterns} patterns; got {eventsElement.GetArrayLength()}.");
            return false;
        }

        var patterns = new List<string>();
        var index = 0;
        foreach (var item in eventsElement.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                problem = ApiProblem.For(WalletErrorCodes.InvalidRequest, $"'events[{index}]' must be a string; got a JSON {JsonFields.Describe(item)}.");
                return false;
            }

            patterns.Add(item.GetString()!);
            index++;
        }

        if (!EventTypeFilter.TryCreate(patterns, out var parsedFilter, out var error))
        {
            problem = ApiProblem.For(WalletErrorCodes.InvalidRequest, $"'events': {error}");
            return false;
        }

        url = parsed;
        filter = parsedFilter;
        problem = null;
        return true;
    }

    private static string Location(string id) => "/v1/webhooks/" + Uri.EscapeDataString(id);

    private static ApiProblem NotFound(string id) =>
        ApiProblem.For(WalletErrorCodes.NotFound, $"No webhook with id '{JsonFields.Truncate(id)}'.");
}
