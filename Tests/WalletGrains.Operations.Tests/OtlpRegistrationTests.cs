using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WalletGrains.Api.Operations;
using WalletGrains.Testing;

namespace WalletGrains.Operations.Tests;

/// <summary>OTLP export is registered only when an endpoint is configured (nothing is sent in these tests).</summary>
public sealed class OtlpRegistrationTests
{
    [Fact]
    public void Nothing_is_registered_without_an_endpoint()
    {
        var services = Register(new Dictionary<string, string?>());

        Assert.DoesNotContain(services, d => d.ServiceType == typeof(OtlpTelemetry.OtlpMeterProvider));
        Assert.DoesNotContain(services, d => d.ImplementationType?.Namespace?.StartsWith("OpenTelemetry", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void An_endpoint_registers_metrics_and_logs_export()
    {
        var closed = $"http://127.0.0.1:{FreePort.GetLoopbackPort()}";
        var services = Register(new Dictionary<string, string?> { ["Wallet:Telemetry:OtlpEndpoint"] = closed });

        Assert.Contains(services, d => d.ServiceType == typeof(OtlpTelemetry.OtlpMeterProvider));
        using var provider = services.BuildServiceProvider();
        Assert.Contains(provider.GetServices<ILoggerProvider>(), p => p.GetType().Namespace!.StartsWith("OpenTelemetry", StringComparison.Ordinal));
        Assert.NotNull(provider.GetRequiredService<OtlpTelemetry.OtlpMeterProvider>().Provider);
    }

    [Fact]
    public void Logs_can_be_left_out()
    {
        var services = Register(new Dictionary<string, string?>
        {
            ["Wallet:Telemetry:OtlpEndpoint"] = "http://127.0.0.1:4317",
            ["Wallet:Telemetry:ExportLogs"] = "false",
        });

        Assert.Contains(services, d => d.ServiceType == typeof(OtlpTelemetry.OtlpMeterProvider));
        using var provider = services.BuildServiceProvider();
        Assert.DoesNotContain(provider.GetServices<ILoggerProvider>(), p => p.GetType().Namespace!.StartsWith("OpenTelemetry", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Wallet:Telemetry:OtlpEndpoint", "not a uri", "OtlpEndpoint")]
    [InlineData("Wallet:Telemetry:OtlpProtocol", "carrier-pigeon", "carrier-pigeon")]
    public void Invalid_settings_fail_validation_quoting_the_value(string key, string value, string quoted)
    {
        using var provider = Register(new Dictionary<string, string?> { [key] = value }).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<TelemetryOptions>>().Value);
        Assert.Contains(quoted, error.Message, StringComparison.Ordinal);
    }

    private static ServiceCollection Register(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddWalletOperations(configuration);
        return services;
    }
}
