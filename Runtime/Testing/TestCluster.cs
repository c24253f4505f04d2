using Microsoft.Extensions.DependencyInjection;

namespace WalletGrains.Runtime.Testing;

/// <summary>Several silos in one process on the same storage (each with its own activations), as Orleans' TestCluster.</summary>
public sealed class TestCluster : IAsyncDisposable
{
    private TestCluster(IReadOnlyList<TestSilo> silos)
    {
        Silos = silos;
    }

    /// <summary>The silos, named silo-0, silo-1, ...</summary>
    public IReadOnlyList<TestSilo> Silos { get; }

    /// <summary>The first silo's grain factory.</summary>
    public IGrainFactory GrainFactory => Silos[0].GrainFactory;

    /// <summary>Starts <paramref name="siloCount"/> silos with the same configuration, one after another.</summary>
    public static async Task<TestCluster> StartAsync(
        int siloCount,
        Action<ISiloBuilder> configureSilo,
        Action<IServiceCollection>? configureServices = null,
        TimeProvider? time = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(siloCount, 1);
        var silos = new List<TestSilo>();
        try
        {
            for (var i = 0; i < siloCount; i++)
            {
                var name = $"silo-{i}";
                silos.Add(await TestSilo.StartAsync(
                    silo =>
                    {
                        silo.Configure(o => o.SiloName = name);
                        configureSilo(silo);
                    },
                    configureServices,
                    time,
                    cancellationToken));
            }
        }
        catch
        {
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }

            throw;
        }

        return new TestCluster(silos);
    }

    /// <summary>Restarts every silo.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        foreach (var silo in Silos)
        {
            await silo.StopAsync(cancellationToken);
        }

        foreach (var silo in Silos)
        {
            await silo.StartAsync(cancellationToken);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var silo in Silos)
        {
            await silo.DisposeAsync();
        }
    }
}
