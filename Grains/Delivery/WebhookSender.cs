using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace WalletGrains.Grains.Delivery;

/// <summary>The outcome of one POST of one event: delivered (a 2xx answer), or the error to record.</summary>
public sealed record WebhookAttemptResult(bool Delivered, int? StatusCode, string? Error);

/// <summary>
/// Posts one event to one webhook: the body is the event's JSON (<see cref="WalletEventJson"/>), signed with the
/// <see cref="WebhookSignature"/> header over the exact bytes sent. Only a 2xx answer counts as delivered; redirects
/// are not followed (a 3xx is a failure). <see cref="WebhookOptions.RequestTimeout"/> is wall-clock time, since the
/// request is real I/O, while the signature's timestamp comes from the time provider.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory clients, TimeProvider time, IOptions<WebhookOptions> options)
{
    /// <summary>The named client of <see cref="IHttpClientFactory"/> that webhook requests use.</summary>
    public const string HttpClientName = "WalletGrains.Webhooks";

    /// <summary>Request header: the event's id (the same as in the body), for receivers that deduplicate before parsing.</summary>
    public const string EventIdHeader = "WalletGrains-Event-Id";

    /// <summary>Request header: the event's type.</summary>
    public const string EventTypeHeader = "WalletGrains-Event-Type";

    /// <summary>Request header: the webhook's id.</summary>
    public const string WebhookIdHeader = "WalletGrains-Webhook-Id";

    private static readonly ProductInfoHeaderValue UserAgent = new("WalletGrains-Webhooks", "1");

    /// <summary>Posts <paramref name="walletEvent"/>; throws only when <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task<WebhookAttemptResult> SendAsync(Webhook webhook, WalletEvent walletEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        ArgumentNullException.ThrowIfNull(walletEvent);
        var body = WalletEventJson.ToUtf8Bytes(walletEvent);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.UserAgent.Add(UserAgent);
        request.Headers.Add(WebhookSignature.HeaderName, WebhookSignature.Create(webhook.Secret, timestamp, body));
        request.Headers.Add(EventIdHeader, walletEvent.Id.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(EventTypeHeader, walletEvent.Type);
        request.Headers.Add(WebhookIdHeader, webhook.Id);

        var timeout = options.Value.RequestTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var client = clients.CreateClient(HttpClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var status = (int)response.StatusCode;
            return response.IsSuccessStatusCode
                ? new WebhookAttemptResult(true, status, null)
                : new WebhookAttemptResult(false, status, $"HTTP {status} {response.ReasonPhrase}".TrimEnd());
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new WebhookAttemptResult(false, null, $"No response within {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.");
        }
        catch (HttpRequestException ex)
        {
            return new WebhookAttemptResult(false, null, $"Request failed: {ex.Message}");
        }
    }
}
