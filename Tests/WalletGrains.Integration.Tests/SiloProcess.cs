using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using WalletGrains.Testing;

namespace WalletGrains.Integration.Tests;

/// <summary>
/// The real service executable (<c>dotnet WalletGrains.Silo.dll</c>) as a child process, configured
/// only through environment variables, so tests can SIGKILL it and start it again on the same storage.
/// Keeps the recent console output of every run for failure messages.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    /// <summary>The silo assembly's file name; the test project references the silo, so the build copies it next to the tests.</summary>
    public const string AssemblyFileName = "WalletGrains.Silo.dll";

    private const int OutputLinesPerRun = 300;
    private const int SamePortAttempts = 5;
    private const int NewPortAttempts = 3;

    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(15);

    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly string _workingDirectory;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly HttpClient _probe = new() { Timeout = TimeSpan.FromSeconds(2) };
    private Process? _process;
    private int _disposed;

    private SiloProcess(IReadOnlyDictionary<string, string> environment, int port, TimeSpan startupTimeout)
    {
        _environment = environment;
        Port = port;
        StartupTimeout = startupTimeout;
        _workingDirectory = Directory.CreateTempSubdirectory("walletgrains-silo-").FullName;
    }

    /// <summary>The port the silo listens on (kept across restarts when it is free again).</summary>
    public int Port { get; private set; }

    /// <summary>Where the silo answers, e.g. <c>http://127.0.0.1:port/</c>.</summary>
    public Uri BaseUrl => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");

    /// <summary>How many times the process was started (1 after <see cref="StartAsync"/>).</summary>
    public int Generation { get; private set; }

    /// <summary>How long one start may take until <c>/health/live</c> answers 200.</summary>
    public TimeSpan StartupTimeout { get; }

    /// <summary>True while the current process runs.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The operating system's id of the current process, or null before a start.</summary>
    public int? ProcessId => _process?.Id;

    /// <summary>Recent console lines of every run, each prefixed with its run number.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>
    /// The silo assembly: the copy next to the test assembly, else the silo project's own build output
    /// for the same configuration.
    /// </summary>
    public static string FindSiloAssembly()
    {
        var besideTests = Path.Combine(AppContext.BaseDirectory, AssemblyFileName);
        if (File.Exists(besideTests) && File.Exists(Path.ChangeExtension(besideTests, ".runtimeconfig.json")))
        {
            return besideTests;
        }

        // bin/<Configuration>/net10.0/ of the tests names the configuration the silo was built with.
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = framework.Parent?.Name ?? "Debug";
        var inSilo = Path.Combine(RepoPaths.Root, "Silo", "bin", configuration, framework.Name, AssemblyFileName);
        return File.Exists(inSilo)
            ? inSilo
            : throw new FileNotFoundException($"The silo assembly is neither beside the tests ('{besideTests}') nor at '{inSilo}'. Build the test project first.", inSilo);
    }

    /// <summary>
    /// Starts the silo with <paramref name="environment"/> (configuration in env form, e.g.
    /// <c>Wallet__Storage__Provider</c>) on a free loopback port and waits until it is live.
    /// </summary>
    public static async Task<SiloProcess> StartAsync(IReadOnlyDictionary<string, string> environment, TimeSpan? startupTimeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var silo = new SiloProcess(environment, FreePort.GetLoopbackPort(), startupTimeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await silo.StartOnFreePortAsync(keepPort: false, cancellationToken);
            return silo;
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// SIGKILL (on Linux <see cref="Process.Kill(bool)"/> sends SIGKILL): no shutdown hooks, no flush,
    /// exactly like a crash. Returns once the process is gone.
    /// </summary>
    public void Kill()
    {
        var process = _process ?? throw new InvalidOperationException("The silo was never started.");
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited on its own; the caller's next start reports why through Output.
        }

        if (!process.WaitForExit(ExitTimeout))
        {
            throw new TimeoutException($"Silo process {process.Id} (run {Generation}) did not exit within {ExitTimeout} after SIGKILL.");
        }

        Record($"[run {Generation}] killed with SIGKILL");
    }

    /// <summary>
    /// Starts the silo again with the same settings, on the same port when it is free again (a few
    /// tries), else on a new one; waits until it is live.
    /// </summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"Silo process {_process!.Id} (run {Generation}) still runs; kill it first.");
        }

        _process?.Dispose();
        _process = null;
        await StartOnFreePortAsync(keepPort: true, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_process is { } process)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                using var wait = new CancellationTokenSource(ExitTimeout);
                await process.WaitForExitAsync(wait.Token);
            }
            catch (InvalidOperationException)
            {
                // Already reaped.
            }
            finally
            {
                process.Dispose();
            }
        }

        _probe.Dispose();
        try
        {
            Directory.Delete(_workingDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the temp folder's own clean-up.
        }
    }

    private async Task StartOnFreePortAsync(bool keepPort, CancellationToken cancellationToken)
    {
        var attempts = (keepPort ? SamePortAttempts : 0) + NewPortAttempts;
        for (var attempt = 1; ; attempt++)
        {
            if (attempt > 1 && !(keepPort && attempt <= SamePortAttempts))
            {
                Port = FreePort.GetLoopbackPort();
            }

            Launch();
            var started = await WaitUntilLiveAsync(cancellationToken);
            if (started)
            {
                return;
            }

            var exited = _process!;
            var portTaken = RunOutput(Generation).Contains("address already in use", StringComparison.OrdinalIgnoreCase);
            if (!portTaken || attempt >= attempts)
            {
                throw new InvalidOperationException(
                    $"Silo run {Generation} exited with code {exited.ExitCode} before /health/live answered on port {Port}. Output:\n{Output}");
            }

            // The old run's socket may linger briefly after SIGKILL, or another process took the port: try again.
            exited.Dispose();
            _process = null;
        }
    }

    private void Launch()
    {
        Generation++;
        var run = Generation;
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            WorkingDirectory = _workingDirectory,
        };
        info.ArgumentList.Add(FindSiloAssembly());

        // Only the given configuration decides where the silo listens and what it runs on.
        foreach (var inherited in new[] { "ASPNETCORE_URLS", "DOTNET_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "WALLETGRAINS_TEST_POSTGRES" })
        {
            info.Environment.Remove(inherited);
        }

        foreach (var (name, value) in _environment)
        {
            info.Environment[name] = value;
        }

        info.Environment["Urls"] = BaseUrl.ToString().TrimEnd('/');
        info.Environment["ASPNETCORE_ENVIRONMENT"] = _environment.TryGetValue("ASPNETCORE_ENVIRONMENT", out var env) ? env : "Testing";

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        DataReceivedEventHandler collect = (_, e) =>
        {
            if (e.Data is not null)
            {
                Record($"[run {run.ToString(CultureInfo.InvariantCulture)}] {e.Data}");
            }
        };
        process.OutputDataReceived += collect;
        process.ErrorDataReceived += collect;
        if (!process.Start())
        {
            process.Dispose();
            throw new InvalidOperationException($"Could not start '{info.FileName} {FindSiloAssembly()}'.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        Record($"[run {run.ToString(CultureInfo.InvariantCulture)}] started as process {process.Id} on port {Port.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>True once /health/live answers 200; false when the process exited first; throws at the deadline.</summary>
    private async Task<bool> WaitUntilLiveAsync(CancellationToken cancellationToken)
    {
        var process = _process!;
        var clock = Stopwatch.StartNew();
        var live = new Uri(BaseUrl, "health/live");
        string? last = null;
        while (clock.Elapsed < StartupTimeout)
        {
            if (process.HasExited)
            {
                // Let the output readers drain what the process wrote before it died.
                process.WaitForExit();
                return false;
            }

            try
            {
                using var response = await _probe.GetAsync(live, cancellationToken);
                if ((int)response.StatusCode == 200)
                {
                    return true;
                }

                last = $"HTTP {(int)response.StatusCode}";
            }
            catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // Not listening yet.
                last = e.Message;
            }

            // Polls the observable condition (the silo answering) until the deadline.
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }

        throw new TimeoutException($"Silo run {Generation} did not answer {live} within {StartupTimeout} (last: {last}). Output:\n{Output}");
    }

    private string RunOutput(int run)
    {
        var prefix = $"[run {run.ToString(CultureInfo.InvariantCulture)}]";
        return string.Join('\n', _output.Where(l => l.StartsWith(prefix, StringComparison.Ordinal)));
    }

    private void Record(string line)
    {
        _output.Enqueue(line);
        while (_output.Count > OutputLinesPerRun * 4 && _output.TryDequeue(out _))
        {
        }
    }

    /// <summary>The dotnet host that runs this test process (<c>DOTNET_HOST_PATH</c> under the SDK), else <c>dotnet</c> on PATH.</summary>
    private static string DotnetHost()
    {
        var fromSdk = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromSdk) && File.Exists(fromSdk))
        {
            return fromSdk;
        }

        var current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current).Equals("dotnet", StringComparison.OrdinalIgnoreCase)
            ? current
            : "dotnet";
    }
}
