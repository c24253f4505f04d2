namespace WalletGrains.Testing;

/// <summary>
/// One anvil shared by an xunit collection. This project does not reference xunit, so a test
/// project declares <c>public sealed class MyAnvil : AnvilFixture, IAsyncLifetime;</c> (the
/// members below implement it) and uses that as its collection fixture. Override
/// <see cref="CreateOptions"/> for a different mining mode or chain id.
/// </summary>
public class AnvilFixture : IAsyncDisposable
{
    private AnvilProcess? _anvil;

    /// <summary>The running anvil.</summary>
    public AnvilProcess Anvil => _anvil ?? throw new InvalidOperationException("The anvil fixture was not initialised (InitializeAsync not called).");

    /// <summary>The JSON-RPC endpoint.</summary>
    public Uri RpcUrl => Anvil.RpcUrl;

    /// <summary>Starts anvil; called by xunit through IAsyncLifetime.</summary>
    public virtual async ValueTask InitializeAsync() => _anvil = await AnvilProcess.StartAsync(CreateOptions());

    /// <summary>Stops anvil and its process tree.</summary>
    public virtual async ValueTask DisposeAsync()
    {
        if (_anvil is not null)
        {
            await _anvil.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Options for the shared anvil; automine and chain id 31337 by default.</summary>
    protected virtual AnvilOptions CreateOptions() => new();
}
