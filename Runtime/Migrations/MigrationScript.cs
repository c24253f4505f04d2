using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace WalletGrains.Runtime;

/// <summary>The SQL dialects the runtime's storage speaks; each has its own script folder.</summary>
public enum SqlDialect
{
    /// <summary>SQLite 3 (scripts in <c>sql/sqlite/</c>).</summary>
    Sqlite,

    /// <summary>PostgreSQL (scripts in <c>sql/postgresql/</c>).</summary>
    PostgreSql,
}

/// <summary>One numbered schema script. Version 0 is the bootstrap (the ledger table itself), run on every start.</summary>
/// <param name="Version">The NNNN prefix of the file name; unique across all assemblies per dialect.</param>
/// <param name="Name">The rest of the file name, without extension.</param>
/// <param name="Sql">The script text.</param>
/// <param name="Source">Where it came from (assembly and resource), for error messages.</param>
public sealed partial record MigrationScript(int Version, string Name, string Sql, string Source)
{
    /// <summary>SHA-256 of the script with line endings normalised, recorded in the ledger to detect edited scripts.</summary>
    public string Checksum => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql.ReplaceLineEndings("\n"))));

    /// <summary>The folder name of a dialect under <c>sql/</c>.</summary>
    public static string FolderOf(SqlDialect dialect) => dialect switch
    {
        SqlDialect.Sqlite => "sqlite",
        SqlDialect.PostgreSql => "postgresql",
        _ => throw new ArgumentOutOfRangeException(nameof(dialect), dialect, "Unknown SQL dialect."),
    };

    /// <summary>
    /// The scripts an assembly embeds for a dialect: resources named <c>{prefix}{folder}/NNNN_name.sql</c>
    /// (the runtime's own are <c>sql/sqlite/0001_runtime.sql</c> etc.).
    /// </summary>
    public static IReadOnlyList<MigrationScript> FromAssembly(Assembly assembly, SqlDialect dialect, string prefix = "sql/")
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var folder = prefix + FolderOf(dialect) + "/";
        var scripts = new List<MigrationScript>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith(folder, StringComparison.Ordinal)))
        {
            var fileName = resource[folder.Length..];
            var match = FileNamePattern().Match(fileName);
            if (!match.Success)
            {
                throw new InvalidOperationException($"Embedded script '{resource}' in {assembly.GetName().Name} is not named NNNN_name.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            scripts.Add(new MigrationScript(
                int.Parse(match.Groups["version"].Value, CultureInfo.InvariantCulture),
                match.Groups["name"].Value,
                reader.ReadToEnd(),
                $"{assembly.GetName().Name}:{resource}"));
        }

        return scripts.OrderBy(s => s.Version).ToList();
    }

    [GeneratedRegex(@"^(?<version>\d{4})_(?<name>[A-Za-z0-9_]+)\.sql$")]
    private static partial Regex FileNamePattern();
}
