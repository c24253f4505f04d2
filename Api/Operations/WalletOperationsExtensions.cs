using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using WalletGrains.Grains.Telemetry;
using WalletGrains.Runtime;

namespace WalletGrains.Api.Operations;

/// <summary>
/// Operations for a host: <c>/metrics</c> (Prometheus text format 0.0.4), the readiness checks behind
/// <c>/health/ready</c> (mapped by <see cref="WalletApiExtensions.MapWalletApi"/>), <see cref="WalletMetrics"/>,
/// and optional OTLP export.
/// </summary>
public static class WalletOperationsExtensions
{
    /// <summary>The meters <c>/metrics</c> (and OTLP) export: the wallet's, the grain runtime's, ASP.NET Core's HTTP server.</summary>
    public static readonly IReadOnlyList<string> MeterNames = [WalletMetrics.MeterName, GrainRuntimeMetrics.MeterName, "Microsoft.AspNetCore.Hosting"];

    /// <summary>Health-check tag of the checks <c>/health/ready</c> runs.</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// Registers <see cref="WalletMetrics"/> (so the chain registry measures RPC), the Prometheus exporter
    /// (listening from host start), the <c>Wallet:Operations</c> and <c>Wallet:Telemetry</c> options (validated at
    /// start), the readiness checks <c>storage</c> and <c>chains</c> (tag <c>ready</c>; they need IWalletStore and
    /// IChainRegistry), and, when <c>Wallet:Telemetry:OtlpEndpoint</c> is set, OTLP export of metrics and logs.
    /// </summary>
    public static IServiceCollection AddWalletOperations(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<OperationsOptions>().Bind(configuration.GetSection(OperationsOptions.SectionName)).ValidateOnStart();
        services.AddOptions<TelemetryOptions>().Bind(configuration.GetSection(TelemetryOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OperationsOptions>, OperationsOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TelemetryOptions>, OperationsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<WalletMetrics>();
        services.TryAddSingleton(sp => new PrometheusExporter(MeterNames, sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ExporterStarter>());

        services.AddHealthChecks()
            .AddCheck<StorageReadinessCheck>(StorageReadinessCheck.Name, HealthStatus.Unhealthy, [ReadyTag])
            .AddCheck<ChainRpcReadinessCheck>(ChainRpcReadinessCheck.Name, HealthStatus.Unhealthy, [ReadyTag]);

        var telemetry = configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        OtlpTelemetry.Register(services, telemetry, MeterNames);
        return services;
    }

    /// <summary>
    /// Maps <c>GET /metrics</c>: anonymous unless <c>Wallet:Operations:MetricsRequireKey</c> is true (then the admin
    /// key), never rate limited, not in the OpenAPI document.
    /// </summary>
    public static IEndpointRouteBuilder MapWalletOperations(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<OperationsOptions>>().Value;
        var metrics = endpoints.MapGet("/metrics", Scrape).WithName("Metrics").ExcludeFromDescription().DisableRateLimiting();
        if (options.MetricsRequireKey)
        {
            metrics.RequireAuthorization(ApiPolicies.Admin);
        }
        else
        {
            metrics.AllowAnonymous();
        }

        return endpoints;
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ContentHttpResult Scrape(PrometheusExporter exporter) =>
        TypedResults.Text(exporter.Collect(), PrometheusExporter.ContentType);

    /// <summary>Creates the exporter when the host starts, so counters include everything from the first request.</summary>
    private sealed class ExporterStarter(PrometheusExporter exporter) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            GC.KeepAlive(exporter);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
