using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using WalletGrains.Grains;
using WalletGrains.Grains.Delivery;
using WalletGrains.Grains.Storage;

namespace WalletGrains.Api.Events;

/// <summary>
/// <c>/v1/events</c>: the event log (DESIGN.md §6) by page and as a live Server-Sent Events stream. Ids increase and
/// become visible in order, so a client that resumes after the last id it saw misses nothing and sees nothing twice.
/// </summary>
public static class EventsApi
{
    /// <summary>The header an SSE client sends when it reconnects: the id of the last event it received.</summary>
    public const string LastEventIdHeader = "Last-Event-ID";

    /// <summary>Page size when <c>limit</c> is absent.</summary>
    public const int DefaultLimit = 100;

    /// <summary>Largest page size.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Most events one page request reads when <c>types</c> skips events; <c>next</c> then points past them.</summary>
    public const int MaxScanned = 10_000;

    public static RouteGroupBuilder MapEventsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1/events").WithTags("Events").RequireAuthorization(ApiPolicies.Read);

        group.MapGet("", ListAsync)
            .WithName("ListEvents")
            .WithSummary("Events after an id, oldest first")
            .WithDescription("Returns {items, next}; call again with after=next to continue (next equals after when there is nothing newer yet). "
                + "With types, events of other types are skipped and next points past them.")
            .ProducesProblems(400, 401, 429);

        group.MapGet("/stream", Stream)
            .WithName("StreamEvents")
            .WithSummary("Live event stream (Server-Sent Events)")
            .WithDescription("text/event-stream with one message per event: 'id: <event id>', 'event: <type>', 'data: <event JSON>'. "
                + "Starts after the Last-Event-ID header (sent by reconnecting clients) or else after the 'after' query parameter (default 0: the whole log), "
                + "pushes new events as they are committed, and sends a comment line as heartbeat when idle.")
            .ProducesProblems(400, 401, 429);

        return group;
    }

    /// <summary>GET /v1/events?after&amp;limit&amp;types.</summary>
    internal static async Task<Results<EventPageResult, ProblemHttpResult>> ListAsync(
        [FromQuery, Description("Return events with an id above this one (default 0).")] string? after,
        [FromQuery, Description("Page size, 1 to 1000 (default 100).")] string? limit,
        [FromQuery, Description("Only these types: comma-separated or repeated patterns, exact (transaction.confirmed), prefix (transaction.*) or *.")] string[]? types,
        [FromServices] IWalletStore store,
        CancellationToken cancellationToken)
    {
        if (!TryReadAfter(after, "after", out var afterId, out var problem) || !TryReadFilter(types, out var filter, out problem))
        {
            return problem.ToResult();
        }

        var size = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxLimit))
        {
            return ApiProblem.For(WalletErrorCodes.InvalidRequest, $"'limit' must be an integer from 1 to {MaxLimit}; got '{JsonFields.Truncate(limit)}'.").ToResult();
        }

        var items = new List<WalletEvent>(Math.Min(size, 128));
        var cursor = afterId;
        var scanned = 0;
        while (items.Count < size && scanned < MaxScanned)
        {
            var wanted = filter is null ? size - items.Count : Math.Min(MaxLimit, MaxScanned - scanned);
            var page = await store.ReadEventsAsync(cursor, wanted, cancellationToken);
            foreach (var walletEvent in page)
            {
                cursor = walletEvent.Id;
                scanned++;
                if (filter is null || filter.Matches(walletEvent.Type))
                {
                    items.Add(walletEvent);
                    if (items.Count == size)
                    {
                        break;
                    }
                }
            }

            if (page.Count < wanted)
            {
                break;
            }
        }

        return new EventPageResult(items, cursor);
    }

    /// <summary>GET /v1/events/stream?after&amp;types, header Last-Event-ID.</summary>
    internal static Results<EventStreamResult, ProblemHttpResult> Stream(
        HttpRequest request,
        ApiCaller caller,
        [FromHeader(Name = LastEventIdHeader), Description("Resume after this event id (takes precedence over 'after').")] string? lastEventId,
        [FromQuery, Description("Start after this event id when no Last-Event-ID is sent (default 0).")] string? after,
        [FromQuery, Description("Only these types: comma-separated or repeated patterns, exact (transaction.confirmed), prefix (transaction.*) or *.")] string[]? types,
        [FromServices] IEventFeed feed)
    {
        _ = lastEventId; // Documented for OpenAPI; read from the raw header so that several values are refused, not joined.
        _ = feed; // Resolved here so a host without the feed fails before the stream starts.
        long afterId;
        ApiProblem? problem;
        if (request.Headers.TryGetValue(LastEventIdHeader, out var header))
        {
            if (header.Count != 1)
            {
                return ApiProblem.For(WalletErrorCodes.InvalidRequest, $"Send one {LastEventIdHeader} header, not {header.Count}.").ToResult();
            }

            if (!TryReadAfter(header[0], LastEventIdHeader, out afterId, out problem))
            {
                return problem.ToResult();
            }
        }
        else if (!TryReadAfter(after, "after", out afterId, out problem))
        {
            return problem.ToResult();
        }

        if (!TryReadFilter(types, out var filter, out problem))
        {
            return problem.ToResult();
        }

        return new EventStreamResult(afterId, filter ?? EventTypeFilter.All, caller.KeyId);
    }

    /// <summary>An event id to start after: absent (0) or a non-negative decimal integer.</summary>
    private static bool TryReadAfter(string? text, string name, out long afterId, [NotNullWhen(false)] out ApiProblem? problem)
    {
        afterId = 0;
        problem = null;
        if (text is null)
        {
            return true;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out afterId))
        {
            problem = ApiProblem.For(WalletErrorCodes.InvalidRequest, $"'{name}' must be an event id: an integer from 0 to 2^63-1; got '{JsonFields.Truncate(text)}'.");
            return false;
        }

        return true;
    }

    /// <summary>The <c>types</c> parameter: absent (every type) or patterns, comma-separated and/or repeated.</summary>
    private static bool TryReadFilter(string[]? types, out EventTypeFilter? filter, [NotNullWhen(false)] out ApiProblem? problem)
    {
        filter = null;
        problem = null;
        if (types is null || types.Length == 0)
        {
            return true;
        }

        var patterns = types.SelectMany(t => (t ?? "").Split(',', StringSplitOptions.TrimEntries)).ToList();
        if (!EventTypeFilter.TryCreate(patterns, out var parsed, out var error))
        {
            problem = ApiProblem.For(WalletErrorCodes.InvalidRequest, $"'types': {error}");
            return false;
        }

        filter = parsed;
        return true;
    }
}
