using WalletGrains.Silo;

var builder = WalletHost.CreateBuilder(args);
var app = WalletHost.Build(builder);
await app.RunAsync();

/// <summary>The silo's entry point; public so tests can reference the assembly's host.</summary>
public partial class Program;
