using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace WalletGrains.Bench.Send;

/// <summary>One job for the load agent: a scenario to drive against a silo, or "close" to drop the connections to it.</summary>
internal sealed record AgentCommand(string Kind, string Url, string ApiKey, int MaxConnections, bool RawClient, int Concurrency, int Rate, SendRequest[] Requests);

/// <summary>The agent's answer: the <see cref="LoadRun"/> it measured, or what went wrong.</summary>
internal sealed record AgentResult(double[] LatencyMs, string[] Outcomes, double ElapsedMs, double MaxStartLagMs, double[] StartMs, string? Error)
{
    public static AgentResult From(LoadRun run) =>
        new(run.LatencyMs, run.Outcomes, run.Elapsed.TotalMilliseconds, run.MaxStartLagMs, run.StartMs, null);

    public LoadRun ToRun() =>
        new(LatencyMs, Outcomes, TimeSpan.FromMilliseconds(ElapsedMs), MaxStartLagMs) { StartMs = StartMs };
}

/// <summary>
/// The load client in a process of its own (<c>--client-process</c>), as a real client is: its allocations do not
/// trigger the silo's collections, its continuations do not queue on the silo's thread pool, and the silo's pauses
/// do not stop its clock. This executable started with <c>--load-agent</c>; one JSON command per line on standard
/// input, one JSON result per line on standard output. It lives for the whole benchmark run, so the warm-up rounds
/// warm its code too.
/// </summary>
internal sealed class LoadAgentProcess : IAsyncDisposable
{
    public const string Flag = "--load-agent";

    private readonly Process _process;
    private readonly SemaphoreSlim _exclusive = new(1, 1);

    private LoadAgentProcess(Process process) => _process = process;

    /// <summary>The agent's process id, so its CPU use can be told apart from the silo's.</summary>
    public int ProcessId => _process.Id;

    public static LoadAgentProcess Start()
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("The benchmark's own executable is not known.");
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
        };

        // Under `dotnet X.dll` the host is dotnet itself and needs the assembly; the apphost does not.
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(typeof(LoadAgentProcess).Assembly.Location);
        }

        start.ArgumentList.Add(Flag);
        return new LoadAgentProcess(Process.Start(start) ?? throw new InvalidOperationException("The load agent did not start."));
    }

    public async Task<AgentResult> RunAsync(AgentCommand command)
    {
        await _exclusive.WaitAsync();
        try
        {
            await _process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(command));
            await _process.StandardInput.FlushAsync();
            var line = await _process.StandardOutput.ReadLineAsync()
                ?? throw new InvalidOperationException($"The load agent exited (code {(_process.HasExited ? _process.ExitCode : -1)}).");
            var result = JsonSerializer.Deserialize<AgentResult>(line) ?? throw new InvalidDataException("The load agent answered null.");
            return result.Error is { } error ? throw new InvalidOperationException("The load agent failed: " + error) : result;
        }
        finally
        {
            _exclusive.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // End of input ends the agent.
        _process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
        _exclusive.Dispose();
    }

    /// <summary>The agent's side: runs commands from standard input until it closes.</summary>
    public static async Task ServeAsync()
    {
        using var input = new StreamReader(Console.OpenStandardInput(), Encoding.UTF8);
        await using var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true };
        SendLoad? load = null;
        string? loadUrl = null;
        try
        {
            while (await input.ReadLineAsync() is { } line)
            {
                AgentResult result;
                try
                {
                    var command = JsonSerializer.Deserialize<AgentCommand>(line) ?? throw new InvalidDataException("A null command.");
                    if (load is null || loadUrl != command.Url || command.Kind == "close")
                    {
                        load?.Dispose();
                        load = null;
                        loadUrl = null;
                    }

                    if (command.Kind != "close")
                    {
                        load ??= new SendLoad(new Uri(command.Url), command.ApiKey, command.MaxConnections, command.RawClient);
                        loadUrl = command.Url;
                    }

                    result = command.Kind switch
                    {
                        "close" => new AgentResult([], [], 0, 0, [], null),
                        "burst" => AgentResult.From(await load!.BurstAsync(command.Requests, command.Concurrency)),
                        "open" => AgentResult.From(await load!.OpenLoopAsync(command.Requests, command.Rate)),
                        _ => throw new InvalidDataException($"Unknown command '{command.Kind}'."),
                    };
                }
                catch (Exception e) when (e is InvalidDataException or JsonException or InvalidOperationException or UriFormatException)
                {
                    result = new AgentResult([], [], 0, 0, [], e.Message);
                }

                await output.WriteLineAsync(JsonSerializer.Serialize(result));
            }
        }
        finally
        {
            load?.Dispose();
        }
    }
}

/// <summary>Drives a silo through the <see cref="LoadAgentProcess"/>.</summary>
internal sealed class RemoteLoad(LoadAgentProcess agent, Uri baseUrl, string apiKey, int maxConnections, bool rawClient) : ILoadDriver
{
    public async Task<LoadRun> BurstAsync(IReadOnlyList<SendRequest> requests, int concurrency) =>
        (await agent.RunAsync(Command("burst", requests, concurrency, 0))).ToRun();

    public async Task<LoadRun> OpenLoopAsync(IReadOnlyList<SendRequest> requests, int rate) =>
        (await agent.RunAsync(Command("open", requests, 0, rate))).ToRun();

    public void Dispose() => agent.RunAsync(Command("close", [], 0, 0)).GetAwaiter().GetResult();

    private AgentCommand Command(string kind, IReadOnlyList<SendRequest> requests, int concurrency, int rate) =>
        new(kind, baseUrl.ToString(), apiKey, maxConnections, rawClient, concurrency, rate, [.. requests]);
}
