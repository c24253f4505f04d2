using System.Collections.Immutable;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WalletGrains.Api;
using WalletGrains.Grains.Delivery;
using WalletGrains.Grains.Storage;

namespace WalletGrains.Delivery.Tests;

/// <summary>
/// The API's services, middleware and routes (<c>MapWalletApi</c>, which maps the delivery routes), the wallet store on
/// real storage and event delivery (<c>AddWalletDelivery</c>), on Kestrel at a free 127.0.0.1 port; no grains or chains,
/// since events are appended to the store directly. Each test starts its own, optionally on a fake clock.
/// </summary>
public sealed class DeliveryHost : IAsyncDisposable
{
    public const string AdminKey = "wg_delivery_tests_admin_key_0123456789";

    private readonly WebApplication _app;

    private DeliveryHost(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
        Http = Client(AdminKey);
    }

    public Uri BaseUrl { get; }

    /// <summary>A client with the admin key.</summary>
    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The host's wallet store (appends through it wake the readers).</summary>
    public IWalletStore Store => Services.GetRequiredService<IWalletStore>();

    public IWebhookStore Webhooks => Services.GetRequiredService<IWebhookStore>();

    public static async Task<DeliveryHost> StartAsync(TestStorage storage, TimeProvider? time = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var config = new Dictionary<string, string?>
        {
            ["Wallet:Auth:AdminApiKey"] = AdminKey,
            ["Wallet:Api:RateLimit:PermitsPerSecond"] = "1000000",
            ["Wallet:Api:RateLimit:Burst"] = "1000000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(config);
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.Services.AddSingleton<IWalletStore>(_ => WalletStoreFactory.Create(WalletSchema.ParseProvider(storage.Provider), storage.ConnectionString));
        builder.Services.AddWalletApi(builder.Configuration);
        builder.Services.AddWalletDelivery(builder.Configuration, storage.Provider, storage.ConnectionString);

        var app = builder.Build();
        app.UseWalletApi();
        app.MapWalletApi();
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new DeliveryHost(app, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>A client carrying <paramref name="key"/> (none when null).</summary>
    public HttpClient Client(string? key)
    {
        var client = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    /// <summary>Stores a new API key with <paramref name="role"/> (as the CLI would) and returns its secret.</summary>
    public async Task<string> AddKeyAsync(string role)
    {
        var (key, hash) = ApiKeySecrets.Generate();
        await Store.InsertApiKeyAsync(new ApiKeyRecord(ApiKeySecrets.NewId(), hash, role, ImmutableArray<Ethereum.Model.Address>.Empty, DateTimeOffset.UtcNow, null));
        return key;
    }

    /// <summary>POSTs JSON with the admin key.</summary>
    public Task<HttpResponseMessage> PostJsonAsync(string path, string json) =>
        Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
