using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WalletGrains.Api.Accounts;
using WalletGrains.Api.ApiKeys;
using WalletGrains.Api.Events;
using WalletGrains.Api.Transactions;
using WalletGrains.Grains.Resources;

namespace WalletGrains.Api;

/// <summary>
/// Composition of the REST API for a host: <see cref="AddWalletApi"/> (services), <see cref="UseWalletApi"/>
/// (middleware, in order) and <see cref="MapWalletApi"/> (routes, OpenAPI, docs UI, health).
/// </summary>
public static class WalletApiExtensions
{
    /// <summary>
    /// Auth (scheme "ApiKey" + policies), ProblemDetails, rate limiting, OpenAPI, JSON options and the
    /// <c>Wallet:Api</c>/<c>Wallet:Auth</c> options (validated at start). The host registers what the
    /// handlers call: ISendGateway, IGrainFactory, IWalletStore, IKeyStore, IChainRegistry (and may
    /// register TimeProvider; System is the default).
    /// </summary>
    public static IServiceCollection AddWalletApi(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<ApiOptions>().Bind(configuration.GetSection(ApiOptions.SectionName)).ValidateOnStart();
        services.AddOptions<ApiAuthOptions>().Bind(configuration.GetSection(ApiAuthOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApiOptions>, ApiOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApiAuthOptions>, ApiAuthOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton<BootstrapAdminKey>();
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddHostedService<BootstrapAdminKeyAnnouncer>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        // The policies name no scheme: the API key scheme is the default, so they judge what the authentication
        // middleware found. Naming it ran the handler a second time per request, with a copy of its ticket and claims.
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiPolicies.Read, p => p.RequireRole(ApiRoles.Reader, ApiRoles.Sender, ApiRoles.Admin))
            .AddPolicy(ApiPolicies.Send, p => p.RequireRole(ApiRoles.Sender, ApiRoles.Admin))
            .AddPolicy(ApiPolicies.Admin, p => p.RequireRole(ApiRoles.Admin));

        services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemWriter.Customize);
        services.AddExceptionHandler<WalletExceptionHandler>();

        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<ApiOptions>>((limiter, api) => WalletRateLimiting.Configure(limiter, api.Value));

        // The resource conventions live with the resources (Grains/Resources), which events serialize too.
        services.ConfigureHttpJsonOptions(o => ResourceJson.Configure(o.SerializerOptions));
        services.AddOpenApi(WalletOpenApi.DocumentName, WalletOpenApi.Configure);
        services.AddHealthChecks();
        return services;
    }

    /// <summary>
    /// Middleware in the order the API needs: exception handler and status-code pages (every error is
    /// ProblemDetails), authentication, authorization, then rate limiting (it partitions by API key, so
    /// it must follow authentication). Call before mapping endpoints.
    /// </summary>
    public static IApplicationBuilder UseWalletApi(this IApplicationBuilder app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>
    /// Maps <c>/v1/transactions</c>, <c>/v1/accounts</c>, <c>/v1/api-keys</c>, <c>/openapi/v1.json</c>,
    /// the browsable docs at <c>/docs</c>, and <c>/health/live</c> (process answers) and <c>/health/ready</c>
    /// (health checks the host registers with tag <c>"ready"</c>), both without a key.
    /// </summary>
    public static IEndpointRouteBuilder MapWalletApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapTransactionsApi();
        endpoints.MapAccountsApi();
        endpoints.MapApiKeysApi();
        Balances.BalancesApi.MapBalancesAndWatchesApi(endpoints);
        endpoints.MapDeliveryApi();

        endpoints.MapOpenApi().AllowAnonymous().DisableRateLimiting();

        // Swagger UI serves its page and assets from the package (no CDN), as a branch mapped at /docs.
        var docs = endpoints.CreateApplicationBuilder()
            .UseSwaggerUI(o =>
            {
                o.RoutePrefix = "docs";
                o.DocumentTitle = "WalletGrains API";
                o.SwaggerEndpoint($"/openapi/{WalletOpenApi.DocumentName}.json", "WalletGrains API v1");
            })
            .Build();
        endpoints.Map("/docs/{**path}", docs).WithName("Docs").ExcludeFromDescription().AllowAnonymous().DisableRateLimiting();

        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = Operations.HealthResponseWriter.WriteAsync })
            .WithName("HealthLive").ExcludeFromDescription().AllowAnonymous().DisableRateLimiting();
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready"), ResponseWriter = Operations.HealthResponseWriter.WriteAsync })
            .WithName("HealthReady").ExcludeFromDescription().AllowAnonymous().DisableRateLimiting();
        return endpoints;
    }
}
