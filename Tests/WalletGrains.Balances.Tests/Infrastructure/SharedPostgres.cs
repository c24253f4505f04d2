using WalletGrains.Testing;

[assembly: AssemblyFixture(typeof(WalletGrains.Balances.Tests.Infrastructure.SharedPostgres))]

namespace WalletGrains.Balances.Tests.Infrastructure;

/// <summary>
/// The assembly's <see cref="PostgresFixture"/>, reachable statically: collection fixtures of this assembly create
/// their databases before xunit hands them any other fixture. Stopped when the assembly's tests end.
/// </summary>
public sealed class SharedPostgres : IAsyncDisposable
{
    private static readonly PostgresFixture Postgres = new();

    /// <summary>A connection string to a new, empty database.</summary>
    public static Task<string> CreateDatabaseAsync(string prefix) => Postgres.CreateDatabaseAsync(prefix);

    public ValueTask DisposeAsync() => Postgres.DisposeAsync();
}
