using System.Diagnostics;
using System.Text;

namespace WalletGrains.Testing;

/// <summary>
/// Runs a Node.js script from the repository's tools/ folder (where npm installed the oracle
/// packages), feeding it lines on stdin and collecting its stdout lines: one process for a whole
/// batch of cases.
/// </summary>
public static class NodeScript
{
    /// <summary>The <c>node</c> executable found on PATH.</summary>
    public static string FindNode()
    {
        var names = OperatingSystem.IsWindows() ? new[] { "node.exe", "node.cmd" } : new[] { "node" };
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in names)
            {
                var candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new InvalidOperationException($"'node' was not found on PATH ({path}). Install Node.js 20+ to run the oracle tests.");
    }

    /// <summary>Throws with a clear instruction when tools/node_modules has not been installed.</summary>
    public static void EnsureToolsInstalled()
    {
        var modules = Path.Combine(RepoPaths.Tools, "node_modules");
        if (!Directory.Exists(modules))
        {
            throw new InvalidOperationException($"'{modules}' is missing: run npm ci in tools/ first.");
        }
    }

    /// <summary>
    /// Runs <c>node &lt;script&gt;</c> (a path relative to tools/) with tools/ as working directory,
    /// writes <paramref name="inputLines"/> to stdin, closes it, and returns stdout split into lines.
    /// Fails with stderr in the message when the script exits non-zero or exceeds <paramref name="timeout"/>.
    /// </summary>
    public static async Task<IReadOnlyList<string>> RunLinesAsync(
        string script,
        IEnumerable<string> inputLines,
        TimeSpan timeout,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(inputLines);
        EnsureToolsInstalled();
        var scriptPath = Path.Combine(RepoPaths.Tools, script);
        if (!File.Exists(scriptPath))
        {
            throw new FileNotFoundException($"Node script '{scriptPath}' does not exist.", scriptPath);
        }

        var info = new ProcessStartInfo(FindNode())
        {
            WorkingDirectory = RepoPaths.Tools,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(scriptPath);

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start node for '{script}'.");
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            // Read both pipes while writing stdin so that neither side can block on a full pipe.
            var stdout = process.StandardOutput.ReadToEndAsync(timeoutSource.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeoutSource.Token);
            var stdin = process.StandardInput;
            stdin.NewLine = "\n";
            try
            {
                foreach (var line in inputLines)
                {
                    await stdin.WriteLineAsync(line.AsMemory(), timeoutSource.Token);
                }

                stdin.Close();
            }
            catch (IOException)
            {
                // The script closed stdin early (usually it crashed); its exit code and stderr say why.
            }

            await process.WaitForExitAsync(timeoutSource.Token);
            var output = await stdout;
            var errors = await stderr;
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"node {script} exited with code {process.ExitCode}: {errors}");
            }

            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"node {script} did not finish within {timeout}.");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
