using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace WalletGrains.Silo;

/// <summary>
/// Development mode (no chain configured): a local anvil on 127.0.0.1 and a free port, with the
/// public test mnemonic's 10 funded accounts, started before the host is built and stopped with it.
/// </summary>
public sealed partial class DevChain : IDisposable
{
    /// <summary>The public anvil/hardhat test mnemonic. Its keys are known to everyone: development only.</summary>
    public const string Mnemonic = "test test test test test test test test test test test junk";

    public const ulong ChainId = 31337;

    private readonly Process _process;
    private int _disposed;

    private DevChain(Process process, Uri rpcUrl)
    {
        _process = process;
        RpcUrl = rpcUrl;
    }

    public Uri RpcUrl { get; }

    /// <summary>Starts anvil and waits until it answers eth_chainId (deadline 30 s).</summary>
    public static DevChain Start(string anvilPath, int blockTimeSeconds, ILogger logger)
    {
        var port = FreePort();
        var args = new StringBuilder($"--host 127.0.0.1 --port {port} --chain-id {ChainId} --accounts 10 --silent");
        args.Append(" --mnemonic \"").Append(Mnemonic).Append('"');
        if (blockTimeSeconds > 0)
        {
            args.Append(" --block-time ").Append(blockTimeSeconds);
        }

        var process = Process.Start(new ProcessStartInfo(anvilPath, args.ToString())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException($"Could not start anvil at '{anvilPath}'.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                LogAnvilOutput(logger, e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var url = new Uri($"http://127.0.0.1:{port}/");
        var chain = new DevChain(process, url);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"anvil exited with code {process.ExitCode} during start-up.");
            }

            try
            {
                using var content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}""", Encoding.UTF8, "application/json");
                using var response = http.PostAsync(url, content).GetAwaiter().GetResult();
                if (response.IsSuccessStatusCode)
                {
                    LogStarted(logger, url, ChainId);
                    try
                    {
                        PlaceMulticall(http, url);
                    }
                    catch
                    {
                        chain.Dispose();
                        throw;
                    }

                    LogMulticallPlaced(logger, MulticallAddress);
                    return chain;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                chain.Dispose();
                throw new TimeoutException($"anvil did not answer on {url} within 30 s.");
            }

            Thread.Sleep(100);
        }
    }

    /// <summary>Multicall3's address on real chains, where the dev chain places the project's own Multicall (same ABI).</summary>
    public const string MulticallAddress = "0xcA11bde05977b3631167028862bE2a173976CA11";

    /// <summary>The runtime bytecode of contracts/artifacts/Multicall.json (embedded in this assembly) as 0x-hex.</summary>
    public static string MulticallRuntimeCode()
    {
        using var stream = typeof(DevChain).Assembly.GetManifestResourceStream("WalletGrains.Silo.Multicall.json")
            ?? throw new InvalidOperationException("The Multicall artifact is not embedded in the silo assembly (resource WalletGrains.Silo.Multicall.json).");
        using var artifact = JsonDocument.Parse(stream);
        var code = artifact.RootElement.GetProperty("deployedBytecode").GetString() ?? "";
        return code.Length > 2 && code.StartsWith("0x", StringComparison.Ordinal)
            ? code
            : throw new InvalidDataException($"The embedded Multicall artifact's deployedBytecode is not 0x-hex code: '{code[..Math.Min(code.Length, 20)]}'.");
    }

    /// <summary>tools/node_modules/@foundry-rs/anvil-{os}-{arch}/bin/anvil, searched upwards from the working and base directories.</summary>
    public static string? FindAnvil()
    {
        var os = OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "darwin" : "win32";
        var arch = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "arm64" : "amd64";
        var relative = Path.Combine("tools", "node_modules", "@foundry-rs", $"anvil-{os}-{arch}", "bin", OperatingSystem.IsWindows() ? "anvil.exe" : "anvil");
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, relative);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    /// <summary>
    /// anvil_setCode puts the Multicall's runtime code at <see cref="MulticallAddress"/>, so the dev chain is configured
    /// like a real chain (DESIGN.md §8); eth_getCode proves it is there.
    /// </summary>
    private static void PlaceMulticall(HttpClient http, Uri url)
    {
        var code = MulticallRuntimeCode();
        var address = MulticallAddress.ToLowerInvariant();
        Post(http, url, "anvil_setCode", address, code);
        var placed = Post(http, url, "eth_getCode", address, "latest");
        if (!string.Equals(placed.GetString(), code, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Dev chain: anvil_setCode did not place the Multicall at {MulticallAddress}: eth_getCode answered {placed}.");
        }
    }

    /// <summary>One JSON-RPC request with string parameters; the result, or an exception carrying the node's error.</summary>
    private static JsonElement Post(HttpClient http, Uri url, string method, params string[] parameters)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, object> { ["jsonrpc"] = "2.0", ["id"] = 1, ["method"] = method, ["params"] = parameters });
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = http.PostAsync(url, content).GetAwaiter().GetResult();
        using var document = JsonDocument.Parse(response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
        return document.RootElement.TryGetProperty("error", out var error)
            ? throw new InvalidOperationException($"Dev chain: anvil rejected {method}: {error}.")
            : document.RootElement.GetProperty("result").Clone();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Dev chain: anvil on {Url}, chain id {ChainId}")]
    private static partial void LogStarted(ILogger logger, Uri url, ulong chainId);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Dev chain: the project's Multicall is at {Address}")]
    private static partial void LogMulticallPlaced(ILogger logger, string address);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, Message = "anvil: {Line}")]
    private static partial void LogAnvilOutput(ILogger logger, string line);
}
