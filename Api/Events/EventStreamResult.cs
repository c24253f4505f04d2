using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WalletGrains.Grains;
using WalletGrains.Grains.Delivery;

namespace WalletGrains.Api.Events;

/// <summary>
/// The Server-Sent Events stream of <c>GET /v1/events/stream</c> (https://html.spec.whatwg.org/multipage/server-sent-events.html):
/// one message per event, <c>id: &lt;event id&gt;</c>, <c>event: &lt;type&gt;</c>, <c>data: &lt;event JSON&gt;</c>, read from the
/// <see cref="IEventFeed"/>; a comment line every <see cref="EventFeedOptions.HeartbeatInterval"/>. Output is flushed
/// whenever the feed has nothing more at hand, so a new event reaches the client as soon as the feed sees it. The
/// stream ends when the client goes away or the host stops; the client resumes with <c>Last-Event-ID</c>.
/// </summary>
internal sealed class EventStreamResult(long afterId, EventTypeFilter filter, string apiKeyId) : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult
{
    /// <summary>The media type of the stream.</summary>
    public const string ContentType = "text/event-stream";

    private static readonly byte[] IdField = "id: "u8.ToArray();
    private static readonly byte[] EventField = "\nevent: "u8.ToArray();
    private static readonly byte[] DataField = "\ndata: "u8.ToArray();
    private static readonly byte[] EndOfMessage = "\n\n"u8.ToArray();
    private static readonly byte[] Heartbeat = ": keep-alive\n\n"u8.ToArray();

    public int? StatusCode => StatusCodes.Status200OK;

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), [ContentType]));
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var services = httpContext.RequestServices;
        var feed = services.GetRequiredService<IEventFeed>();
        var time = services.GetRequiredService<TimeProvider>();
        var heartbeatInterval = services.GetRequiredService<IOptions<EventFeedOptions>>().Value.HeartbeatInterval;
        var stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger<EventStreamResult>();

        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-cache";
        // Reverse proxies (nginx) buffer responses unless told not to; a buffered stream is no stream.
        response.Headers["X-Accel-Buffering"] = "no";
        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted, stopping);
        var token = stop.Token;
        var writer = response.BodyWriter;
        var json = new Utf8JsonWriter(writer);
        var last = afterId;
        DeliveryApiLog.StreamOpened(log, apiKeyId, afterId);

        // A first line sends the headers at once, so the client knows the stream is open before any event.
        Write(writer, Encoding.ASCII.GetBytes($": events after {afterId.ToString(CultureInfo.InvariantCulture)}\n\n"));
        var events = feed.ReadAllAsync(afterId, token).GetAsyncEnumerator(token);
        Task<bool>? move = null;
        try
        {
            if ((await writer.FlushAsync(token)).IsCompleted)
            {
                return;
            }

            var heartbeat = Task.Delay(heartbeatInterval, time, token);
            move = events.MoveNextAsync().AsTask();
            while (true)
            {
                if (!move.IsCompleted)
                {
                    if ((await writer.FlushAsync(token)).IsCompleted)
                    {
                        return;
                    }

                    if (await Task.WhenAny(move, heartbeat) == heartbeat)
                    {
                        await heartbeat;
                        Write(writer, Heartbeat);
                        heartbeat = Task.Delay(heartbeatInterval, time, token);
                        continue;
                    }
                }

                if (!await move)
                {
                    return;
                }

                var walletEvent = events.Current;
                move = null;
                last = walletEvent.Id;
                if (filter.Matches(walletEvent.Type))
                {
                    WriteMessage(writer, json, walletEvent);
                }

                move = events.MoveNextAsync().AsTask();
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The client went away or the host is stopping: the stream just ends.
        }
        finally
        {
            await stop.CancelAsync();
            if (move is not null)
            {
                // An async iterator must not be disposed while a MoveNextAsync is pending.
                await ((Task)move).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            await events.DisposeAsync();
            await json.DisposeAsync();
            DeliveryApiLog.StreamClosed(log, apiKeyId, last);
        }
    }

    /// <summary>One SSE message. The id and type are single-line text; the event JSON never has a line break.</summary>
    private static void WriteMessage(PipeWriter writer, Utf8JsonWriter json, WalletEvent walletEvent)
    {
        Write(writer, IdField);
        Write(writer, Encoding.ASCII.GetBytes(walletEvent.Id.ToString(CultureInfo.InvariantCulture)));

        // A type with a line break would end the field early; it cannot come from this service, but the log accepts any text.
        if (!walletEvent.Type.AsSpan().ContainsAny('\r', '\n'))
        {
            Write(writer, EventField);
            Write(writer, Encoding.UTF8.GetBytes(walletEvent.Type));
        }

        Write(writer, DataField);
        json.Reset(writer);
        WalletEventJson.Write(json, walletEvent);
        json.Flush();
        Write(writer, EndOfMessage);
    }

    private static void Write(PipeWriter writer, ReadOnlySpan<byte> bytes) => writer.Write(bytes);
}
