using System.Collections.Concurrent;
using System.Reflection;

namespace WalletGrains.Runtime;

/// <summary>
/// Finds grain classes the way Orleans does without code generation: any non-abstract class deriving from
/// <see cref="Grain"/> in an assembly that references this runtime. Results are cached for the process.
/// </summary>
internal static class GrainCatalog
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<Assembly> Scanned = [];
    private static readonly List<Type> Classes = [];
    private static readonly ConcurrentDictionary<Type, GrainClass> ByType = new();
    private static readonly ConcurrentDictionary<string, GrainClass> ByName = new(StringComparer.Ordinal);

    private static readonly string[] SkippedPrefixes =
        ["System", "Microsoft", "netstandard", "mscorlib", "xunit", "Npgsql", "SQLitePCLRaw", "FsCheck", "FSharp", "testhost", "Newtonsoft", "BenchmarkDotNet"];

    /// <summary>Adds an assembly explicitly (for hosts that load grain assemblies late).</summary>
    public static void AddAssembly(Assembly assembly)
    {
        lock (Gate)
        {
            ScanLocked(assembly);
        }
    }

    /// <summary>The grain class implementing <paramref name="grainInterface"/>; exactly one must exist.</summary>
    public static GrainClass ForInterface(Type grainInterface)
    {
        var candidates = Candidates(grainInterface);
        if (candidates.Count == 0)
        {
            Refresh();
            candidates = Candidates(grainInterface);
        }

        return candidates.Count switch
        {
            1 => Register(candidates[0]),
            0 => throw new InvalidOperationException($"No grain class implements {grainInterface.FullName} in the loaded assemblies; a grain class derives from Grain and implements the interface."),
            _ => throw new InvalidOperationException($"Several grain classes implement {grainInterface.FullName}: {string.Join(", ", candidates.Select(c => c.FullName))}; give each its own interface."),
        };
    }

    /// <summary>The grain class with a grain type name (for reminders that fire before any reference exists).</summary>
    public static GrainClass? ForName(string grainTypeName)
    {
        if (ByName.TryGetValue(grainTypeName, out var known))
        {
            return known;
        }

        Refresh();
        List<Type> matches;
        lock (Gate)
        {
            matches = Classes.Where(c => GrainClass.NameOf(c) == grainTypeName).ToList();
        }

        return matches.Count switch
        {
            0 => null,
            1 => Register(matches[0]),
            _ => throw new InvalidOperationException($"Grain classes {string.Join(", ", matches.Select(c => c.FullName))} share the grain type name '{grainTypeName}'; give them distinct [GrainType] names."),
        };
    }

    /// <summary>Assemblies that may embed <c>sql/&lt;vendor&gt;/</c> scripts: this runtime and every assembly referencing it.</summary>
    public static IReadOnlyList<Assembly> MigrationAssemblies()
    {
        Refresh();
        lock (Gate)
        {
            return [.. Scanned];
        }
    }

    private static GrainClass Register(Type type)
    {
        var grainClass = ByType.GetOrAdd(type, static t => new GrainClass(t));
        var holder = ByName.GetOrAdd(grainClass.Name, grainClass);
        if (!ReferenceEquals(holder, grainClass))
        {
            throw new InvalidOperationException($"Grain classes {holder.Type.FullName} and {type.FullName} share the grain type name '{grainClass.Name}'; give one a distinct [GrainType] name.");
        }

        return grainClass;
    }

    private static List<Type> Candidates(Type grainInterface)
    {
        lock (Gate)
        {
            if (Scanned.Count == 0)
            {
                RefreshLocked();
            }

            return Classes.Where(grainInterface.IsAssignableFrom).ToList();
        }
    }

    private static void Refresh()
    {
        lock (Gate)
        {
            RefreshLocked();
        }
    }

    private static void RefreshLocked()
    {
        // Grain assemblies referenced by the application may not be loaded yet (the CLR loads lazily), so walk
        // the reference graph from what is loaded, skipping framework and third-party assemblies.
        var pending = new Queue<Assembly>(AppDomain.CurrentDomain.GetAssemblies().Where(a => !a.IsDynamic));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (pending.TryDequeue(out var assembly))
        {
            if (!seen.Add(assembly.FullName ?? assembly.ToString()) || IsSkipped(assembly.GetName()))
            {
                continue;
            }

            ScanLocked(assembly);
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                if (IsSkipped(reference) || seen.Contains(reference.FullName))
                {
                    continue;
                }

                try
                {
                    pending.Enqueue(Assembly.Load(reference));
                }
                catch (Exception ex) when (ex is FileNotFoundException or FileLoadException or BadImageFormatException)
                {
                    // A reference that is not deployed cannot hold grains we could run.
                }
            }
        }
    }

    private static bool IsSkipped(AssemblyName name)
    {
        var simple = name.Name ?? string.Empty;
        return SkippedPrefixes.Any(p => simple.StartsWith(p, StringComparison.Ordinal));
    }

    private static void ScanLocked(Assembly assembly)
    {
        if (Scanned.Contains(assembly))
        {
            return;
        }

        var runtime = typeof(Grain).Assembly;
        var referencesRuntime = assembly == runtime
            || assembly.GetReferencedAssemblies().Any(r => AssemblyName.ReferenceMatchesDefinition(r, runtime.GetName()));
        if (!referencesRuntime)
        {
            return;
        }

        Scanned.Add(assembly);
        Type?[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            types = ex.Types;
        }

        foreach (var type in types)
        {
            if (type is { IsClass: true, IsAbstract: false, ContainsGenericParameters: false } && type.IsSubclassOf(typeof(Grain)))
            {
                Classes.Add(type);
            }
        }
    }
}
