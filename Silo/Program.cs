using WalletGrains.Silo;

var builder = WalletHost.CreateBuilder(args);
var app = WalletHost.Build(builder);
try
{
    await app.RunAsync();
}
finally
{
    // Also when start-up fails: hosted services that never started are never stopped.
    app.Services.GetService<DevChain>()?.Dispose();
}

/// <summary>The silo's entry point; public so tests can reference the assembly's host.</summary>
public partial class Program;
