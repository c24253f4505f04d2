using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace WalletGrains.Api.Operations;

/// <summary>
/// Optional OpenTelemetry export over OTLP, on only when <c>Wallet:Telemetry:OtlpEndpoint</c> is set: the same
/// meters as <c>/metrics</c> through a <see cref="MeterProvider"/> the host starts and disposes (flushing), and,
/// unless <c>ExportLogs</c> is false, the host's logs.
/// </summary>
internal static class OtlpTelemetry
{
    public static OtlpExportProtocol? ParseProtocol(string? protocol) => protocol?.Trim().ToUpperInvariant() switch
    {
        "GRPC" => OtlpExportProtocol.Grpc,
        "HTTP/PROTOBUF" or "HTTP" => OtlpExportProtocol.HttpProtobuf,
        _ => null,
    };

    /// <summary>Registers the exporters when <paramref name="options"/> names an endpoint; returns whether it did.</summary>
    public static bool Register(IServiceCollection services, TelemetryOptions options, IReadOnlyList<string> meterNames)
    {
        if (string.IsNullOrWhiteSpace(options.OtlpEndpoint)
            || !Uri.TryCreate(options.OtlpEndpoint, UriKind.Absolute, out var endpoint)
            || ParseProtocol(options.OtlpProtocol) is not { } protocol)
        {
            // An invalid endpoint or protocol is reported by the options validator at start.
            return false;
        }

        void Configure(OtlpExporterOptions exporter)
        {
            exporter.Endpoint = endpoint;
            exporter.Protocol = protocol;
        }

        var serviceName = options.ServiceName;
        services.AddSingleton(_ => new OtlpMeterProvider(Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(r => r.AddService(serviceName))
            .AddMeter([.. meterNames])
            .AddOtlpExporter(Configure)
            .Build()));
        services.AddHostedService(sp => new OtlpStarter(
            sp.GetRequiredService<OtlpMeterProvider>(),
            sp.GetRequiredService<ILogger<OtlpMeterProvider>>(),
            endpoint.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped),
            options.OtlpProtocol,
            options.ExportLogs));
        if (options.ExportLogs)
        {
            services.AddLogging(logging => logging.AddOpenTelemetry(o =>
            {
                o.SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(serviceName));
                o.IncludeFormattedMessage = true;
                o.AddOtlpExporter(Configure);
            }));
        }

        return true;
    }

    /// <summary>The OTLP meter provider, disposed (and so flushed) with the host's services.</summary>
    internal sealed class OtlpMeterProvider(MeterProvider provider) : IDisposable
    {
        public MeterProvider Provider { get; } = provider;

        public void Dispose() => Provider.Dispose();
    }

    /// <summary>Creates the meter provider when the host starts, so measurements are exported from the first request.</summary>
    private sealed class OtlpStarter(OtlpMeterProvider provider, ILogger logger, string endpoint, string protocol, bool logs) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            GC.KeepAlive(provider);
            OperationsLog.OtlpEnabled(logger, endpoint, protocol, logs);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
