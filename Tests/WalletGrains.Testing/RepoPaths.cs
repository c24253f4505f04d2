namespace WalletGrains.Testing;

/// <summary>Locates the repository root, the shared vectors folder and the npm tools folder from a test's output directory.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    /// <summary>The folder holding WalletGrains.sln.</summary>
    public static string Root => RootLazy.Value;

    /// <summary>
    /// The shared known-answer vectors: <c>$WALLETGRAINS_VECTORS</c> when set, else
    /// <c>../shared/vectors</c> beside the repository.
    /// </summary>
    public static string Vectors
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("WALLETGRAINS_VECTORS");
            if (!string.IsNullOrEmpty(env))
            {
                return env;
            }

            var path = Path.GetFullPath(Path.Combine(Root, "..", "shared", "vectors"));
            return Directory.Exists(path)
                ? path
                : throw new DirectoryNotFoundException($"Shared vectors not found at '{path}'. Set WALLETGRAINS_VECTORS to the vectors folder.");
        }
    }

    /// <summary>The npm tools folder (tools/ in the repository).</summary>
    public static string Tools => Path.Combine(Root, "tools");

    /// <summary>Full path of one vector file.</summary>
    public static string Vector(string fileName) => Path.Combine(Vectors, fileName);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null)
        {
            if (File.Exists(Path.Combine(dir.FullName, "WalletGrains.sln")))
            {
                return dir.FullName;
            }

            dir = dir.Parent;
        }

        throw new DirectoryNotFoundException($"WalletGrains.sln not found above '{AppContext.BaseDirectory}'.");
    }
}
