using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;

namespace WalletGrains.Testing;

/// <summary>
/// A real anvil (from tools/node_modules) on 127.0.0.1 and a free port. <see cref="StartAsync"/>
/// returns once <c>eth_chainId</c> answers; disposing kills the process tree.
/// </summary>
public sealed class AnvilProcess : IAsyncDisposable
{
    private const int OutputLines = 200;
    private const int StartAttempts = 3;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private long _nextId;
    private int _disposed;

    private AnvilProcess(Process process, ConcurrentQueue<string> output, int port, AnvilOptions options)
    {
        _process = process;
        _output = output;
        Port = port;
        Options = options;
        RpcUrl = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
    }

    /// <summary>The JSON-RPC endpoint.</summary>
    public Uri RpcUrl { get; }

    /// <summary>The TCP port anvil listens on.</summary>
    public int Port { get; }

    /// <summary>The options anvil was started with.</summary>
    public AnvilOptions Options { get; }

    /// <summary>The chain id anvil reported at start.</summary>
    public ulong ChainId { get; private set; }

    /// <summary>The dev accounts (anvil's default mnemonic).</summary>
    public IReadOnlyList<AnvilAccount> Accounts => AnvilAccount.Dev.Take(Options.Accounts).ToList();

    /// <summary>True while the process runs.</summary>
    public bool IsRunning => Volatile.Read(ref _disposed) == 0 && !_process.HasExited;

    /// <summary>
    /// The anvil binary for this OS and architecture under tools/node_modules, or
    /// <c>$WALLETGRAINS_ANVIL</c> when set. Fails with a clear message when tools/ was not installed.
    /// </summary>
    public static string FindBinary()
    {
        var env = Environment.GetEnvironmentVariable("WALLETGRAINS_ANVIL");
        if (!string.IsNullOrEmpty(env))
        {
            return File.Exists(env) ? env : throw new FileNotFoundException($"WALLETGRAINS_ANVIL points to '{env}', which does not exist.");
        }

        return FindBinary(RepoPaths.Tools);
    }

    /// <summary>The anvil binary for this OS and architecture under <paramref name="toolsDirectory"/>/node_modules.</summary>
    public static string FindBinary(string toolsDirectory)
    {
        var os = OperatingSystem.IsLinux() ? "linux"
            : OperatingSystem.IsMacOS() ? "darwin"
            : OperatingSystem.IsWindows() ? "win32"
            : throw new PlatformNotSupportedException("anvil's npm package has binaries for Linux, macOS and Windows only.");
        var arch = RuntimeInformation.OSArchitecture switch
        {
            Architecture.X64 => "amd64",
            Architecture.Arm64 => "arm64",
            var other => throw new PlatformNotSupportedException($"anvil's npm package has no binary for {other}."),
        };
        var exe = OperatingSystem.IsWindows() ? "anvil.exe" : "anvil";
        var path = Path.Combine(toolsDirectory, "node_modules", "@foundry-rs", $"anvil-{os}-{arch}", "bin", exe);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"anvil not found at '{path}'. Run `npm ci` in tools/ to install @foundry-rs/anvil into tools/node_modules.", path);
    }

    /// <summary>Starts anvil and waits (up to <see cref="AnvilOptions.StartupTimeout"/>) until it answers.</summary>
    public static async Task<AnvilProcess> StartAsync(AnvilOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new AnvilOptions();
        var binary = FindBinary();
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.GetLoopbackPort();
            var anvil = Launch(binary, options, port);
            try
            {
                await anvil.WaitUntilReadyAsync(cancellationToken);
                return anvil;
            }
            catch (InvalidOperationException) when (attempt < StartAttempts && anvil.Output.Contains("in use", StringComparison.OrdinalIgnoreCase))
            {
                // Another process took the port between FreePort and anvil's bind: try a new one.
                await anvil.DisposeAsync();
            }
            catch
            {
                await anvil.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>The last lines anvil wrote (stdout and stderr), for failure messages.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>
    /// A raw JSON-RPC call (for <c>anvil_*</c>/<c>evm_*</c> set-up in tests that do not use the
    /// project's client); returns the result and throws on a JSON-RPC error.
    /// </summary>
    public async Task<JsonNode?> RequestAsync(string method, params JsonNode?[] parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var request = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = Interlocked.Increment(ref _nextId),
            ["method"] = method,
            ["params"] = new JsonArray([.. parameters.Select(p => p?.DeepClone())]),
        };
        using var content = new StringContent(request.ToJsonString(), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _http.PostAsync(RpcUrl, content);
        var body = await response.Content.ReadAsStringAsync();
        var json = JsonNode.Parse(body) ?? throw new InvalidOperationException($"anvil answered {method} with '{body}'.");
        return json["error"] is { } error
            ? throw new InvalidOperationException($"anvil rejected {method}: {error.ToJsonString()}")
            : json["result"];
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped: nothing left to kill.
        }
        finally
        {
            _process.Dispose();
            _http.Dispose();
        }
    }

    private static AnvilProcess Launch(string binary, AnvilOptions options, int port)
    {
        var info = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var arg in options.BuildArguments(port))
        {
            info.ArgumentList.Add(arg);
        }

        var output = new ConcurrentQueue<string>();
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        DataReceivedEventHandler collect = (sender, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            output.Enqueue(e.Data);
            while (output.Count > OutputLines && output.TryDequeue(out _))
            {
            }
        };
        process.OutputDataReceived += collect;
        process.ErrorDataReceived += collect;
        if (!process.Start())
        {
            process.Dispose();
            throw new InvalidOperationException($"Could not start anvil at '{binary}'.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new AnvilProcess(process, output, port, options);
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        Exception? last = null;
        while (deadline.Elapsed < Options.StartupTimeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new InvalidOperationException(
                    $"anvil exited with code {_process.ExitCode} before answering on port {Port}. Output:\n{Output}");
            }

            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                attempt.CancelAfter(TimeSpan.FromSeconds(2));
                var result = await RequestWithTokenAsync("eth_chainId", attempt.Token);
                if (result is not null)
                {
                    ChainId = ulong.Parse(((string)result!).AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Not listening yet.
                last = e;
            }

            // Poll the observable condition (anvil answering) until the deadline.
            await Task.Delay(TimeSpan.FromMilliseconds(25), cancellationToken);
        }

        throw new InvalidOperationException(
            $"anvil did not answer eth_chainId on {RpcUrl} within {Options.StartupTimeout.TotalSeconds} s (last error: {last?.Message}). Output:\n{Output}");
    }

    private async Task<JsonNode?> RequestWithTokenAsync(string method, CancellationToken cancellationToken)
    {
        var request = $"{{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"{method}\",\"params\":[]}}";
        using var content = new StringContent(request, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _http.PostAsync(RpcUrl, content, cancellationToken);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return json?["result"];
    }
}
