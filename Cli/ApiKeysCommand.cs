using System.Collections.Immutable;
using System.CommandLine;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using WalletGrains.Api;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains.Storage;

namespace WalletGrains.Cli;

/// <summary>
/// <c>wallet api-keys create --role &lt;role&gt; [--allow &lt;address&gt;...]</c>: stores a new API key's hash in
/// the configured storage (Wallet:Storage:* from appsettings.json, environment <c>Wallet__Storage__*</c>,
/// or the options) and prints the key once.
/// </summary>
internal static class ApiKeysCommand
{
    public static Command Create(CliIo io)
    {
        var role = new Option<string>("--role") { Description = "admin, sender or reader", Required = true };
        var allow = new Option<string[]>("--allow") { Description = "a from address a sender key may use (repeat for several)", AllowMultipleArgumentsPerToken = true };
        var provider = new Option<string?>("--storage") { Description = "sqlite or postgres (default: Wallet:Storage:Provider, else sqlite)" };
        var connection = new Option<string?>("--connection-string") { Description = "default: Wallet:Storage:ConnectionString, else Data Source=data/wallet.db" };
        var create = new Command("create", "Create an API key in the configured storage and print it once") { role, allow, provider, connection };
        create.SetAction(async (parse, ct) =>
        {
            var config = new ConfigurationBuilder()
                .AddJsonFile("appsettings.json", optional: true)
                .AddEnvironmentVariables()
                .Build();
            var storageProvider = parse.GetValue(provider) ?? config["Wallet:Storage:Provider"] ?? "sqlite";
            var connectionString = parse.GetValue(connection) ?? config["Wallet:Storage:ConnectionString"] ?? "Data Source=data/wallet.db";
            var result = await CreateKeyAsync(parse.GetValue(role)!, parse.GetValue(allow) ?? [], storageProvider, connectionString, ct);
            await io.Out.WriteLineAsync(result.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
            return 0;
        });
        return new Command("api-keys", "API keys of the REST API") { create };
    }

    internal static async Task<JsonObject> CreateKeyAsync(string role, IReadOnlyList<string> allow, string provider, string connectionString, CancellationToken ct)
    {
        if (!ApiRoles.IsValid(role))
        {
            throw new CliException($"--role '{role}' is not admin, sender or reader");
        }

        var allowed = new List<Address>();
        foreach (var text in allow)
        {
            allowed.Add(Address.TryParse(text, out var address, out var error) ? address : throw new CliException($"--allow: {error}"));
        }

        if (role == ApiRoles.Sender && allowed.Count == 0)
        {
            throw new CliException("a sender key needs at least one --allow address");
        }

        if (role != ApiRoles.Sender && allowed.Count > 0)
        {
            throw new CliException($"--allow applies to sender keys only, not to role '{role}'");
        }

        if (provider.Equals("sqlite", StringComparison.OrdinalIgnoreCase))
        {
            var source = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString).DataSource;
            var directory = Path.GetDirectoryName(Path.GetFullPath(source));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }
        }

        IWalletStore store;
        try
        {
            store = await WalletStoreFactory.CreateMigratedAsync(provider, connectionString, ct);
        }
        catch (ArgumentException e)
        {
            throw new CliException($"storage: {e.Message}");
        }

        try
        {
            var (key, hash) = ApiKeySecrets.Generate();
            var record = new ApiKeyRecord(ApiKeySecrets.NewId(), hash, role, [.. allowed], DateTimeOffset.UtcNow, null);
            await store.InsertApiKeyAsync(record, ct);
            return new JsonObject
            {
                ["id"] = record.Id,
                ["key"] = key,
                ["role"] = role,
                ["allowedFrom"] = new JsonArray([.. allowed.Select(a => (JsonNode)a.ToChecksumString())]),
            };
        }
        finally
        {
            if (store is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
    }
}
