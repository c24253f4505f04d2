using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WalletGrains.Delivery.Tests;

/// <summary>One request a <see cref="WebhookReceiver"/> got, with the status it answered.</summary>
public sealed record ReceivedRequest(int Index, string Path, byte[] Body, string? Signature, string? ContentType, string? EventIdHeader, int Status);

/// <summary>
/// A webhook receiver on a real Kestrel listener at a free 127.0.0.1 port: records every request with its raw body and
/// answers with the status <see cref="Respond"/> gives for it (by default 200).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly List<ReceivedRequest> _requests = [];

    private WebhookReceiver(WebApplication app) => _app = app;

    /// <summary>The URL to register as a webhook.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>The status for the n-th request (0-based); changeable while running.</summary>
    public Func<int, int> Respond { get; set; } = _ => StatusCodes.Status200OK;

    /// <summary>Every request so far, in arrival order.</summary>
    public IReadOnlyList<ReceivedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>The requests that were answered 2xx, in arrival order.</summary>
    public IReadOnlyList<ReceivedRequest> Accepted => [.. Requests.Where(r => r.Status is >= 200 and < 300)];

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hooks/{**rest}", receiver.HandleAsync);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        receiver.Url = new Uri(address.TrimEnd('/') + "/hooks/" + Guid.NewGuid().ToString("N"));
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        int status;
        lock (_gate)
        {
            status = Respond(_requests.Count);
            _requests.Add(new ReceivedRequest(
                _requests.Count,
                context.Request.Path,
                buffer.ToArray(),
                context.Request.Headers["WalletGrains-Signature"].SingleOrDefault(),
                context.Request.ContentType,
                context.Request.Headers["WalletGrains-Event-Id"].SingleOrDefault(),
                status));
        }

        context.Response.StatusCode = status;
    }
}
