namespace WalletGrains.Silo;

/// <summary>Stops the dev chain's anvil when the host stops.</summary>
internal sealed class DevChainLifetime(DevChain chain) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        chain.Dispose();
        return Task.CompletedTask;
    }
}
