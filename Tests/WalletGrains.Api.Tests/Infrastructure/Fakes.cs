using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Rpc;
using WalletGrains.Grains;
using WalletGrains.Grains.Chains;
using WalletGrains.Grains.Keys;
using WalletGrains.Grains.Sending;
using WalletGrains.Grains.Storage;
using WalletGrains.Runtime;

namespace WalletGrains.Api.Tests.Infrastructure;

/// <summary>Deterministic test addresses and transactions.</summary>
internal static class TestData
{
    public static readonly DateTimeOffset Epoch = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    /// <summary>An address derived from a label (first 20 bytes of SHA-256), so it has hex letters to checksum.</summary>
    public static Address AddressOf(string label) => Address.FromBytes(SHA256.HashData(Encoding.UTF8.GetBytes(label)).AsSpan(0, 20));

    public static Bytes32 HashOf(string label) => Bytes32.FromBytes(SHA256.HashData(Encoding.UTF8.GetBytes(label)));

    /// <summary>The transaction a grain would return for a command.</summary>
    public static WalletTransaction TransactionFor(SendCommand command, string id, ulong nonce = 7)
    {
        var attempt = new TransactionAttempt(0, TransactionAttempt.Original, HashOf(id + ":0"), new byte[] { 0x02, 0xf8 }, command.MaxFeePerGas ?? 30_000_000_000UL, command.MaxPriorityFeePerGas ?? 1_000_000_000UL, null, Epoch, Epoch);
        return new WalletTransaction(
            id, command.ChainId, command.From, command.To, command.Value, command.Data, nonce, command.GasLimit ?? 21_000,
            command.MaxFeePerGas, command.MaxPriorityFeePerGas, command.GasPrice, TransactionStatus.Submitted, attempt.Hash,
            [attempt], null, null, false, Epoch, Epoch,
            [new StatusChange(TransactionStatus.Queued, Epoch, null), new StatusChange(TransactionStatus.Submitted, Epoch, "broadcast")],
            command.ApiKeyId, command.IdempotencyKey, command.RequestHash);
    }

    /// <summary>A stored transaction that ended: confirmed with a reverted receipt and an error, two attempts.</summary>
    public static WalletTransaction FinishedTransaction(string id, Address from, Address to)
    {
        var first = new TransactionAttempt(0, TransactionAttempt.Original, HashOf(id + ":0"), new byte[] { 1, 2, 3 }, 10UL, 1UL, null, Epoch, Epoch);
        var second = new TransactionAttempt(1, TransactionAttempt.Bump, HashOf(id + ":1"), new byte[] { 4, 5, 6 }, 12UL, 2UL, null, Epoch.AddSeconds(30), null);
        var receipt = new TransactionReceipt(first.Hash, 1234, HashOf("block"), 21_000, 11UL, Success: false);
        return new WalletTransaction(
            id, 1, from, to, UInt256.Parse("1000000000000000000000"), new byte[] { 0xde, 0xad }, 3, 50_000, 12UL, 2UL, null,
            TransactionStatus.Confirmed, first.Hash, [first, second], receipt, new WalletError("execution_reverted", "reverted"), true,
            Epoch, Epoch.AddMinutes(1), [new StatusChange(TransactionStatus.Submitted, Epoch, null), new StatusChange(TransactionStatus.Confirmed, Epoch.AddMinutes(1), "depth 1")],
            "admin", null, null);
    }
}

/// <summary>Records every command; answers with <see cref="Respond"/>; can hold sends until released.</summary>
internal sealed class FakeSendGateway : ISendGateway
{
    private int _nextId;

    public ConcurrentQueue<SendCommand> Commands { get; } = new();

    public Func<SendCommand, SendOutcome>? Respond { get; set; }

    /// <summary>When set, each send signals <see cref="Entered"/> and waits for this to complete.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task<SendOutcome> SendAsync(SendCommand command, CancellationToken cancellationToken = default)
    {
        Commands.Enqueue(command);
        if (Gate is { } gate)
        {
            Entered.TrySetResult();
            await gate.Task.WaitAsync(cancellationToken);
        }

        return Respond?.Invoke(command)
            ?? SendOutcome.Accepted(TestData.TransactionFor(command, $"tx-{Interlocked.Increment(ref _nextId)}"));
    }
}

/// <summary>Hands out <see cref="FakeAccountGrain"/>s by key and remembers them.</summary>
internal sealed class FakeGrainFactory : IGrainFactory
{
    public ConcurrentDictionary<string, FakeAccountGrain> Accounts { get; } = new();

    public Func<string, SendOutcome>? CancelResponse { get; set; }

    public TGrainInterface GetGrain<TGrainInterface>(string primaryKey)
        where TGrainInterface : IGrainWithStringKey
    {
        if (typeof(TGrainInterface) != typeof(IAccountGrain))
        {
            throw new NotSupportedException($"No fake for {typeof(TGrainInterface).Name}.");
        }

        return (TGrainInterface)(object)Accounts.GetOrAdd(primaryKey, key => new FakeAccountGrain(key, this));
    }
}

/// <summary>An account grain that reports a view derived from its key and records cancels.</summary>
internal sealed class FakeAccountGrain(string key, FakeGrainFactory factory) : IAccountGrain
{
    public string Key { get; } = key;

    public ConcurrentQueue<string> Cancels { get; } = new();

    public Task<ImmutableArray<SendOutcome>> SubmitAsync(ImmutableArray<SendCommand> commands) =>
        throw new NotSupportedException("The API must send through ISendGateway.");

    public Task<AccountView> GetAsync()
    {
        var parts = Key.Split(':');
        var chainId = ulong.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
        return Task.FromResult(new AccountView(chainId, Address.Parse(parts[1]), 5, 3, 2, 1, chainId * 1000, TestData.Epoch, 0, null));
    }

    public Task PollAsync() => Task.CompletedTask;

    public Task<SendOutcome> CancelAsync(string transactionId)
    {
        Cancels.Enqueue(transactionId);
        return Task.FromResult(factory.CancelResponse?.Invoke(transactionId)
            ?? SendOutcome.Rejected(new WalletError(WalletErrorCodes.NotCancellable, "no cancel configured")));
    }
}

/// <summary>An in-memory wallet store: transactions, API keys and a record of every call that reads or writes.</summary>
internal sealed class FakeWalletStore : IWalletStore
{
    public ConcurrentDictionary<string, WalletTransaction> Transactions { get; } = new();

    public ConcurrentDictionary<string, ApiKeyRecord> ApiKeysByHash { get; } = new();

    public ConcurrentQueue<TransactionQuery> Queries { get; } = new();

    public ConcurrentQueue<string> Writes { get; } = new();

    public int ApiKeyLookups;

    public TransactionPage? Page { get; set; }

    public Task<AccountRecord?> GetAccountAsync(ulong chainId, Address address, CancellationToken cancellationToken = default) =>
        Task.FromResult<AccountRecord?>(null);

    public Task<IReadOnlyList<AccountRecord>> ListAccountsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<AccountRecord>>([]);

    public Task<AccountRecord> CommitAsync(AccountWrite write, CancellationToken cancellationToken = default)
    {
        Writes.Enqueue("commit");
        throw new NotSupportedException("The API never commits account changes.");
    }

    public Task<IReadOnlyList<WalletTransaction>> GetLiveTransactionsAsync(ulong chainId, Address from, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<WalletTransaction>>([]);

    public Task<AccountSnapshot> GetAccountSnapshotAsync(ulong chainId, Address address, CancellationToken cancellationToken = default) =>
        Task.FromResult(new AccountSnapshot(null, []));

    public Task<WalletTransaction?> GetTransactionAsync(string id, CancellationToken cancellationToken = default) =>
        Task.FromResult(Transactions.TryGetValue(id, out var tx) ? tx : null);

    public Task<TransactionPage> ListTransactionsAsync(TransactionQuery query, CancellationToken cancellationToken = default)
    {
        Queries.Enqueue(query);
        return Task.FromResult(Page ?? new TransactionPage([], null));
    }

    public Task<IReadOnlyList<IdempotencyRecord>> FindIdempotencyKeysAsync(IReadOnlyCollection<(string ApiKeyId, string Key)> keys, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<IdempotencyRecord>>([]);

    public Task<IReadOnlyDictionary<Bytes32, byte[]>> FindSignedAttemptsAsync(IReadOnlyCollection<Bytes32> hashes, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyDictionary<Bytes32, byte[]>>(new Dictionary<Bytes32, byte[]>());

    public Task InsertApiKeyAsync(ApiKeyRecord apiKey, CancellationToken cancellationToken = default)
    {
        Writes.Enqueue("api_key:" + apiKey.Id);
        ApiKeysByHash[apiKey.KeyHash] = apiKey;
        return Task.CompletedTask;
    }

    public Task<ApiKeyRecord?> FindApiKeyByHashAsync(string keyHash, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref ApiKeyLookups);
        return Task.FromResult(ApiKeysByHash.TryGetValue(keyHash, out var record) ? record : null);
    }

    public Task<IReadOnlyList<WalletEvent>> AppendEventsAsync(IReadOnlyList<NewWalletEvent> events, CancellationToken cancellationToken = default)
    {
        Writes.Enqueue("events");
        throw new NotSupportedException("The API never appends events.");
    }

    public Task<IReadOnlyList<WalletEvent>> ReadEventsAsync(long afterId, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<WalletEvent>>([]);

    public Task<StoreCounts> CountAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(new StoreCounts(0, Transactions.Count, 0, 0));
}

/// <summary>Custodies a fixed set of addresses; never signs.</summary>
internal sealed class FakeKeyStore(IEnumerable<Address> addresses) : IKeyStore
{
    private readonly HashSet<Address> _addresses = [.. addresses];

    public IReadOnlyCollection<Address> Addresses => _addresses;

    public bool Contains(Address address) => _addresses.Contains(address);

    public ValueTask<Signature> SignHashAsync(Address address, Bytes32 hash, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The API never signs.");
}

/// <summary>Configured chains whose RPC clients point at an unused loopback port (the API never calls them).</summary>
internal sealed class FakeChainRegistry : IChainRegistry, IDisposable
{
    private readonly List<EthRpcClient> _clients = [];

    public FakeChainRegistry(params ulong[] chainIds)
    {
        var chains = new List<ChainContext>();
        foreach (var id in chainIds)
        {
            var rpc = new EthRpcClient(new Uri("http://127.0.0.1:9/"));
            _clients.Add(rpc);
            chains.Add(new ChainContext(new ChainOptions { ChainId = id, Name = $"chain-{id}" }, rpc, new NoFees()));
        }

        Chains = chains;
    }

    public IReadOnlyList<ChainContext> Chains { get; }

    public bool TryGet(ulong chainId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ChainContext? chain)
    {
        chain = Chains.FirstOrDefault(c => c.ChainId == chainId);
        return chain is not null;
    }

    public void Dispose()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }
    }

    private sealed class NoFees : IFeeEstimator
    {
        public ValueTask<FeeQuote> GetQuoteAsync(CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("The API never estimates fees.");
    }
}
