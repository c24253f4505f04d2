using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace WalletGrains.Ethereum.Rpc;

/// <summary>
/// Several requests sent in one HTTP POST. Add requests, send with
/// <see cref="EthRpcClient.SendBatchAsync"/>, then read each item: one item's error does not
/// affect the others.
/// </summary>
public sealed class RpcBatch
{
    private readonly List<IRpcBatchEntry> _entries = [];

    /// <summary>Number of requests.</summary>
    public int Count => _entries.Count;

    internal IReadOnlyList<IRpcBatchEntry> Entries => _entries;

    /// <summary>Adds a request; its outcome appears on the returned item once the batch is sent.</summary>
    public RpcBatchItem<T> Add<T>(RpcRequest<T> request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var item = new RpcBatchItem<T>(request);
        _entries.Add(item);
        return item;
    }
}

/// <summary>The outcome of one request in a <see cref="RpcBatch"/>.</summary>
public sealed class RpcBatchItem<T> : IRpcBatchEntry
{
    private readonly RpcRequest<T> _request;
    private T? _value;
    private RpcException? _error;
    private volatile bool _done;

    /// <summary>0 until an outcome is being set; the first outcome wins (a caller that timed out may race a late answer).</summary>
    private int _settling;

    internal RpcBatchItem(RpcRequest<T> request) => _request = request;

    /// <summary>The method of this item.</summary>
    public string Method => _request.Method;

    /// <summary>True once the batch was answered (successfully or not) for this item.</summary>
    public bool IsCompleted => _done;

    /// <summary>True when this item has a result.</summary>
    public bool IsSuccess => _done && _error is null;

    /// <summary>The error of this item, if it failed.</summary>
    public RpcException? Error => _error;

    /// <summary>The result; throws this item's <see cref="RpcException"/> when it failed.</summary>
    public T Value => !_done
        ? throw new InvalidOperationException($"The batch holding {Method} has not been sent yet.")
        : _error is not null ? throw _error : _value!;

    /// <summary>Try-pattern access to the result.</summary>
    public bool TryGetValue([MaybeNullWhen(false)] out T value)
    {
        value = IsSuccess ? _value : default;
        return IsSuccess;
    }

    string IRpcBatchEntry.Method => _request.Method;

    void IRpcBatchEntry.WriteTo(Utf8JsonWriter writer, long id) => _request.WriteTo(writer, id);

    void IRpcBatchEntry.Complete(JsonElement response, int httpStatus, long? expectedId)
    {
        if (Interlocked.Exchange(ref _settling, 1) != 0)
        {
            return;
        }

        try
        {
            _value = EthRpcClient.ReadResponse(response, _request, httpStatus, expectedId);
            _error = null;
        }
        catch (RpcException e)
        {
            _error = e;
        }

        _done = true;
    }

    void IRpcBatchEntry.Fail(RpcException error)
    {
        if (Interlocked.Exchange(ref _settling, 1) != 0)
        {
            return;
        }

        _error = error;
        _done = true;
    }
}

/// <summary>What the client needs from a batch item, whatever its result type.</summary>
internal interface IRpcBatchEntry
{
    string Method { get; }

    void WriteTo(Utf8JsonWriter writer, long id);

    /// <summary>Reads the answer (checking its id when <paramref name="expectedId"/> is given); ignored if an outcome was set already.</summary>
    void Complete(JsonElement response, int httpStatus, long? expectedId = null);

    /// <summary>Fails the item; ignored if an outcome was set already.</summary>
    void Fail(RpcException error);
}
