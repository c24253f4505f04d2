using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WalletGrains.Grains.Storage;

namespace WalletGrains.Grains.Delivery;

/// <summary>Registers event delivery: the notifier, the event feed, the webhook store and the webhook dispatcher.</summary>
public static class DeliveryServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IEventNotifier"/>, <see cref="IEventFeed"/>, <see cref="IWebhookStore"/> on the wallet's storage
    /// (<paramref name="storageProvider"/> as <c>Wallet:Storage:Provider</c> takes it: sqlite, postgres or memory),
    /// the <see cref="WebhookDispatcher"/> (a hosted service) and the options <c>Wallet:Events</c> and
    /// <c>Wallet:Webhooks</c> (validated at start). Call it after registering <see cref="IWalletStore"/>: the
    /// registration is wrapped so that commits and appends with events wake the readers of this process at once.
    /// The database must be migrated (the wallet's scripts include sql/*/0005_webhooks.sql).
    /// </summary>
    public static IServiceCollection AddWalletDelivery(this IServiceCollection services, IConfiguration configuration, string storageProvider, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var provider = WalletSchema.ParseProvider(storageProvider);
        if (provider != WalletStoreProvider.Memory)
        {
            ArgumentException.ThrowIfNullOrEmpty(connectionString);
        }

        services.AddOptions<EventFeedOptions>().Bind(configuration.GetSection(EventFeedOptions.SectionName)).ValidateOnStart();
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EventFeedOptions>, EventFeedOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        services.TryAddSingleton<IEventNotifier, EventNotifier>();
        NotifyOnAppend(services);
        services.TryAddSingleton<IEventFeed, EventFeed>();
        services.TryAddSingleton<IWebhookStore>(sp => provider switch
        {
            WalletStoreProvider.Sqlite => new SqliteWebhookStore(connectionString),
            WalletStoreProvider.Postgres => new PostgresWebhookStore(connectionString),
            _ => new MemoryWebhookStore(sp.GetRequiredService<IWalletStore>()),
        });

        services.AddHttpClient(WebhookSender.HttpClientName)
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                // A 3xx is an answer, not a delivery: following it could post signed events to a host nobody configured.
                AllowAutoRedirect = false,
                UseCookies = false,
                AutomaticDecompression = DecompressionMethods.None,
                ConnectTimeout = sp.GetRequiredService<IOptions<WebhookOptions>>().Value.RequestTimeout,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            // The default handlers log every request's URL, and a receiver's URL may carry a token; the dispatcher logs its own lines.
            .RemoveAllLoggers();
        services.TryAddSingleton<WebhookSender>();
        services.TryAddSingleton<WebhookDispatcher>();
        services.TryAddSingleton<IWebhookDispatcher>(sp => sp.GetRequiredService<WebhookDispatcher>());
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        return services;
    }

    /// <summary>Replaces the last <see cref="IWalletStore"/> registration by a <see cref="NotifyingWalletStore"/> around it.</summary>
    private static void NotifyOnAppend(IServiceCollection services)
    {
        var index = -1;
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(IWalletStore) && !services[i].IsKeyedService)
            {
                index = i;
                break;
            }
        }

        if (index < 0)
        {
            throw new InvalidOperationException("AddWalletDelivery needs IWalletStore registered first: it wraps the store so that appended events wake the event readers.");
        }

        var original = services[index];
        if (original.ImplementationFactory?.Target is NotifyOnAppendMarker)
        {
            return;
        }

        var marker = new NotifyOnAppendMarker(original);
        services[index] = ServiceDescriptor.Describe(typeof(IWalletStore), marker.Create, original.Lifetime);
    }

    /// <summary>Creates the wrapped store; also marks the registration as wrapped, so a second call does not wrap twice.</summary>
    private sealed class NotifyOnAppendMarker(ServiceDescriptor original)
    {
        public NotifyingWalletStore Create(IServiceProvider services)
        {
            var notifier = services.GetRequiredService<IEventNotifier>();
            if (original.ImplementationInstance is IWalletStore instance)
            {
                // The host owns an instance it registered; the container never disposed it, so neither does the wrapper.
                return new NotifyingWalletStore(instance, notifier, ownsInner: false);
            }

            var inner = original.ImplementationFactory is { } factory
                ? (IWalletStore)factory(services)
                : (IWalletStore)ActivatorUtilities.CreateInstance(services, original.ImplementationType!);
            return new NotifyingWalletStore(inner, notifier, ownsInner: true);
        }
    }
}
