using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace WalletGrains.Runtime.Testing;

/// <summary>
/// One silo in its own host for tests (our TestCluster building block): start, stop and restart on the same
/// configuration and storage, so durability across restarts can be checked.
/// </summary>
public sealed class TestSilo : IAsyncDisposable
{
    private readonly Action<ISiloBuilder> _configureSilo;
    private readonly Action<IServiceCollection>? _configureServices;
    private IHost? _host;

    private TestSilo(Action<ISiloBuilder> configureSilo, Action<IServiceCollection>? configureServices, TimeProvider time)
    {
        _configureSilo = configureSilo;
        _configureServices = configureServices;
        Time = time;
    }

    /// <summary>The clock every restart of this silo uses.</summary>
    public TimeProvider Time { get; }

    /// <summary>Whether the silo is running.</summary>
    public bool IsRunning => _host is not null;

    /// <summary>The running host's services.</summary>
    public IServiceProvider Services => _host?.Services ?? throw new InvalidOperationException("The test silo is not running.");

    /// <summary>The running silo's grain factory (a new one after each restart).</summary>
    public IGrainFactory GrainFactory => Services.GetRequiredService<IGrainFactory>();

    /// <summary>The running silo's statistics.</summary>
    public ISiloIntrospection Introspection => Services.GetRequiredService<ISiloIntrospection>();

    /// <summary>Builds and starts a silo; <paramref name="time"/> defaults to the system clock.</summary>
    public static async Task<TestSilo> StartAsync(
        Action<ISiloBuilder> configureSilo,
        Action<IServiceCollection>? configureServices = null,
        TimeProvider? time = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configureSilo);
        var silo = new TestSilo(configureSilo, configureServices, time ?? TimeProvider.System);
        await silo.StartAsync(cancellationToken);
        return silo;
    }

    /// <summary>Starts the silo again after <see cref="StopAsync"/>.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_host is not null)
        {
            throw new InvalidOperationException("The test silo is already running.");
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing" });
        builder.Services.AddSingleton(Time);
        _configureServices?.Invoke(builder.Services);
        builder.UseSilo(_configureSilo);
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        _host = host;
    }

    /// <summary>Stops the silo gracefully (every activation deactivates) and disposes its host.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_host is not { } host)
        {
            return;
        }

        _host = null;
        try
        {
            await host.StopAsync(cancellationToken);
        }
        finally
        {
            if (host is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync();
            }
            else
            {
                host.Dispose();
            }
        }
    }

    /// <summary>Stops and starts the silo on the same configuration: in-memory state is gone, durable state stays.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync(cancellationToken);
        await StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync();
}
