using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace WalletGrains.Runtime;

/// <summary>Configures the silo inside <see cref="SiloHostingExtensions.UseSilo"/> (storage, reminders, options).</summary>
public interface ISiloBuilder
{
    /// <summary>The host's services.</summary>
    IServiceCollection Services { get; }

    /// <summary>The host's configuration.</summary>
    IConfiguration Configuration { get; }
}

/// <summary>Storage, reminder and option choices for a silo (Orleans-style names).</summary>
public static class SiloBuilderExtensions
{
    /// <summary>Grain state in process memory (lost on restart).</summary>
    public static ISiloBuilder AddMemoryGrainStorage(this ISiloBuilder builder, string name = PersistentStateAttribute.DefaultStorageName)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        builder.Services.AddKeyedSingleton<IGrainStorage>(name, (_, _) => new MemoryGrainStorage());
        return builder;
    }

    /// <summary>Grain state in a SQLite database (WAL, group-committed writes); its tables are migrated at start-up.</summary>
    public static ISiloBuilder AddSqliteGrainStorage(this ISiloBuilder builder, string name, string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        builder.Services.AddSingleton(new MigrationTarget(SqlDialect.Sqlite, connectionString));
        builder.Services.AddKeyedSingleton<IGrainStorage>(name, (sp, _) => new SqliteGrainStorage(connectionString, sp.GetRequiredService<TimeProvider>()));
        return builder;
    }

    /// <summary>Grain state in a PostgreSQL database; its tables are migrated at start-up.</summary>
    public static ISiloBuilder AddPostgresGrainStorage(this ISiloBuilder builder, string name, string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        builder.Services.AddSingleton(new MigrationTarget(SqlDialect.PostgreSql, connectionString));
        builder.Services.AddKeyedSingleton<IGrainStorage>(
            name,
            (sp, _) => new PostgresGrainStorage(sp.GetRequiredService<PostgresDataSources>().Get(connectionString), sp.GetRequiredService<TimeProvider>()));
        return builder;
    }

    /// <summary>Reminders in process memory (one silo; lost on restart).</summary>
    public static ISiloBuilder UseInMemoryReminders(this ISiloBuilder builder)
    {
        builder.Services.AddSingleton<IReminderTable, MemoryReminderTable>();
        return builder;
    }

    /// <summary>Durable reminders in a SQLite database.</summary>
    public static ISiloBuilder UseSqliteReminders(this ISiloBuilder builder, string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        builder.Services.AddSingleton(new MigrationTarget(SqlDialect.Sqlite, connectionString));
        builder.Services.AddSingleton<IReminderTable>(_ => new SqliteReminderTable(connectionString));
        return builder;
    }

    /// <summary>Durable reminders in a PostgreSQL database.</summary>
    public static ISiloBuilder UsePostgresReminders(this ISiloBuilder builder, string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        builder.Services.AddSingleton(new MigrationTarget(SqlDialect.PostgreSql, connectionString));
        builder.Services.AddSingleton<IReminderTable>(sp => new PostgresReminderTable(sp.GetRequiredService<PostgresDataSources>().Get(connectionString)));
        return builder;
    }

    /// <summary>Adjusts silo options (timeouts, collection age, reminder polling, JSON options).</summary>
    public static ISiloBuilder Configure(this ISiloBuilder builder, Action<SiloOptions> configure)
    {
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Adds an assembly to grain discovery and migration scripts (for assemblies loaded after start-up).</summary>
    public static ISiloBuilder AddGrainAssembly(this ISiloBuilder builder, Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        builder.Services.AddSingleton(new GrainAssembly(assembly));
        return builder;
    }
}
