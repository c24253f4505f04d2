using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using WalletGrains.Api.Operations;
using WalletGrains.Grains.Telemetry;
using WalletGrains.Operations.Tests.Infrastructure;

namespace WalletGrains.Operations.Tests.Infrastructure;

/// <summary>
/// A <see cref="WalletMetrics"/> on its own meter factory and an exporter scoped to it (plus the runtime's static
/// meter), so parallel tests never see each other's wallet series.
/// </summary>
internal sealed class MetricsScope : IDisposable
{
    private readonly ServiceProvider _services;

    public MetricsScope(TimeProvider? time = null)
    {
        var services = new ServiceCollection();
        services.AddMetrics();
        services.AddSingleton(time ?? TimeProvider.System);
        services.AddSingleton<WalletMetrics>();
        _services = services.BuildServiceProvider();
        Metrics = _services.GetRequiredService<WalletMetrics>();
        Exporter = new PrometheusExporter(WalletOperationsExtensions.MeterNames, _services.GetRequiredService<IMeterFactory>());
    }

    public WalletMetrics Metrics { get; }

    public PrometheusExporter Exporter { get; }

    /// <summary>Collects and parses strictly.</summary>
    public IReadOnlyDictionary<string, PromFamily> Scrape() => PrometheusParser.Parse(Exporter.Collect());

    public void Dispose()
    {
        Exporter.Dispose();
        _services.Dispose();
    }
}
