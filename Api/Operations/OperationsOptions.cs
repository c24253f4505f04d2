using Microsoft.Extensions.Options;

namespace WalletGrains.Api.Operations;

/// <summary>Operations endpoints: <c>Wallet:Operations:*</c>.</summary>
public sealed class OperationsOptions
{
    public const string SectionName = "Wallet:Operations";

    /// <summary>
    /// Whether <c>/metrics</c> needs the admin API key (default false: Prometheus usually scrapes without
    /// credentials on an internal address; set true when the API port is reachable from outside).
    /// </summary>
    public bool MetricsRequireKey { get; set; }

    /// <summary>How long each readiness probe (storage, each chain's <c>eth_blockNumber</c>) may take (default 3 s).</summary>
    public TimeSpan ReadinessTimeout { get; set; } = TimeSpan.FromSeconds(3);
}

/// <summary>Optional OpenTelemetry export: <c>Wallet:Telemetry:*</c>.</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Wallet:Telemetry";

    /// <summary>OTLP collector endpoint (e.g. <c>http://127.0.0.1:4317</c>); unset (the default) exports nothing.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary><c>grpc</c> (default, port 4317) or <c>http/protobuf</c> (port 4318).</summary>
    public string OtlpProtocol { get; set; } = "grpc";

    /// <summary>Whether logs are exported too (default true when an endpoint is set).</summary>
    public bool ExportLogs { get; set; } = true;

    /// <summary>The <c>service.name</c> resource attribute (default <c>walletgrains</c>).</summary>
    public string ServiceName { get; set; } = "walletgrains";
}

/// <summary>Rejects operations and telemetry settings that cannot work, quoting the value.</summary>
internal sealed class OperationsOptionsValidator : IValidateOptions<OperationsOptions>, IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, OperationsOptions options) =>
        options.ReadinessTimeout > TimeSpan.Zero
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Wallet:Operations:ReadinessTimeout must be positive; got '{options.ReadinessTimeout}'.");

    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        List<string>? failures = null;
        if (!string.IsNullOrEmpty(options.OtlpEndpoint) && !Uri.TryCreate(options.OtlpEndpoint, UriKind.Absolute, out _))
        {
            (failures ??= []).Add($"Wallet:Telemetry:OtlpEndpoint must be an absolute URI; got '{options.OtlpEndpoint}'.");
        }

        if (OtlpTelemetry.ParseProtocol(options.OtlpProtocol) is null)
        {
            (failures ??= []).Add($"Wallet:Telemetry:OtlpProtocol must be 'grpc' or 'http/protobuf'; got '{options.OtlpProtocol}'.");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceName))
        {
            (failures ??= []).Add($"Wallet:Telemetry:ServiceName must not be empty; got '{options.ServiceName}'.");
        }

        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
