using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using WalletGrains.Grains;
using WalletGrains.Grains.Delivery;

namespace WalletGrains.Api.Events;

/// <summary>
/// A page of <c>GET /v1/events</c>, <c>{items, next}</c>, written with <see cref="WalletEventJson"/> so each item is
/// byte for byte what a webhook receives and what the stream sends; documented as <see cref="EventPageResource"/>.
/// </summary>
internal sealed class EventPageResult(IReadOnlyList<WalletEvent> items, long next) : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult
{
    public int? StatusCode => StatusCodes.Status200OK;

    public IReadOnlyList<WalletEvent> Items => items;

    public long Next => next;

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(EventPageResource), ["application/json"]));
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        await using (var writer = new Utf8JsonWriter(response.BodyWriter))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("items");
            foreach (var item in items)
            {
                WalletEventJson.Write(writer, item);
            }

            writer.WriteEndArray();
            writer.WriteNumber("next", next);
            writer.WriteEndObject();
        }

        await response.BodyWriter.FlushAsync(httpContext.RequestAborted);
    }
}
