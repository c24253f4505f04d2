using Microsoft.AspNetCore.Routing;
using WalletGrains.Api.Webhooks;

namespace WalletGrains.Api.Events;

/// <summary>Maps the delivery routes: <c>/v1/events</c> (page and SSE stream) and <c>/v1/webhooks</c>.</summary>
public static class DeliveryApi
{
    /// <summary>
    /// Maps <see cref="EventsApi"/> and <see cref="WebhooksApi"/>. The host registers what they use with
    /// <c>AddWalletDelivery</c> (Grains/Delivery): IEventFeed, IWebhookStore, IWebhookDispatcher.
    /// </summary>
    public static IEndpointRouteBuilder MapDeliveryApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapEventsApi();
        endpoints.MapWebhooksApi();
        return endpoints;
    }
}
