using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using WalletGrains.Ethereum.Model;
using WalletGrains.Testing;

namespace WalletGrains.Grains.Tests;

/// <summary>One anvil without automatic mining (blocks come from evm_mine) for the chain and fee tests.</summary>
public sealed class ChainAnvilFixture : AnvilFixture, IAsyncLifetime
{
    /// <summary>Mines <paramref name="count"/> blocks and returns the new head number.</summary>
    public async Task<ulong> MineAsync(int count = 1)
    {
        _ = await Anvil.RequestAsync("anvil_mine", "0x" + count.ToString("x", CultureInfo.InvariantCulture));
        return await BlockNumberAsync();
    }

    public async Task<ulong> BlockNumberAsync() => Quantity(await Anvil.RequestAsync("eth_blockNumber"));

    /// <summary>Makes <paramref name="baseFee"/> the base fee of the next mined block.</summary>
    public Task SetNextBaseFeeAsync(UInt256 baseFee) =>
        Anvil.RequestAsync("anvil_setNextBlockBaseFeePerGas", baseFee.ToHexQuantity());

    public static ulong Quantity(JsonNode? node) => ulong.Parse(((string)node!)[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    public static UInt256 Wei(JsonNode? node) => UInt256.Parse((string)node!);

    protected override AnvilOptions CreateOptions() => new() { NoMining = true };
}

[CollectionDefinition(Name)]
public sealed class ChainAnvilCollection : ICollectionFixture<ChainAnvilFixture>
{
    public const string Name = "chain-anvil";
}

/// <summary>
/// Counts JSON-RPC methods per HTTP request passing through, and can hold requests of one method at a
/// gate until the test opens it (to make callers overlap deterministically).
/// </summary>
public sealed class ChainRpcCounter : DelegatingHandler
{
    private readonly ConcurrentQueue<string> _methods = new();
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource? _gate;
    private string? _gatedMethod;
    private (string Method, int Code, string Message)? _refusal;

    public ChainRpcCounter()
        : base(new SocketsHttpHandler())
    {
    }

    private int _posts;

    public IReadOnlyList<string> Methods => [.. _methods];

    /// <summary>HTTP requests seen (a batch is one).</summary>
    public int Posts => Volatile.Read(ref _posts);

    /// <summary>Completes once a gated request has arrived.</summary>
    public Task GatedRequestArrived => _entered.Task;

    public int Count(string method) => _methods.Count(m => m == method);

    /// <summary>Holds the next requests for <paramref name="method"/> until <see cref="OpenGate"/>.</summary>
    public void CloseGate(string method)
    {
        _gatedMethod = method;
        _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void OpenGate() => _gate?.TrySetResult();

    /// <summary>Answers single calls of <paramref name="method"/> with this JSON-RPC error, as a node without the method does.</summary>
    public void Refuse(string method, int code, string message) => _refusal = (method, code, message);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _posts);
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        using var json = JsonDocument.Parse(body);
        var methods = json.RootElement.ValueKind == JsonValueKind.Array
            ? json.RootElement.EnumerateArray().Select(e => e.GetProperty("method").GetString()!).ToList()
            : [json.RootElement.GetProperty("method").GetString()!];
        foreach (var method in methods)
        {
            _methods.Enqueue(method);
        }

        if (_gate is { } gate && _gatedMethod is { } gated && methods.Contains(gated))
        {
            _entered.TrySetResult();
            await gate.Task.WaitAsync(cancellationToken);
        }

        if (_refusal is { } refusal && json.RootElement.ValueKind == JsonValueKind.Object && methods[0] == refusal.Method)
        {
            var error = new JsonObject
            {
                ["jsonrpc"] = "2.0",
                ["id"] = json.RootElement.GetProperty("id").GetInt64(),
                ["error"] = new JsonObject { ["code"] = refusal.Code, ["message"] = refusal.Message },
            };
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(error.ToJsonString(), Encoding.UTF8, "application/json") };
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
