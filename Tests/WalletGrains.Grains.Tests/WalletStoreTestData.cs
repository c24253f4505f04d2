using System.Numerics;
using System.Security.Cryptography;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains.Storage;

namespace WalletGrains.Grains.Tests;

/// <summary>Fresh accounts, transactions and writes for store tests, and a field-by-field comparison.</summary>
internal static class WalletStoreTestData
{
    /// <summary>A fixed instant at millisecond precision (stores keep milliseconds).</summary>
    public static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_763_600_000_123);

    public static Address NewAddress() => Address.FromBytes(RandomNumberGenerator.GetBytes(Address.Length));

    public static Bytes32 NewHash() => Bytes32.FromBytes(RandomNumberGenerator.GetBytes(Bytes32.Length));

    public static string NewId() => $"tx_{Guid.NewGuid():N}";

    public static AccountRecord Account(ulong chainId, Address address, ulong nextNonce, long version = 0, DateTimeOffset? at = null) =>
        new(chainId, address, nextNonce, version, null, at ?? T0);

    public static TransactionAttempt Attempt(int seq, string kind = TransactionAttempt.Original, DateTimeOffset? at = null, bool submitted = true) =>
        new(
            seq,
            kind,
            NewHash(),
            RandomNumberGenerator.GetBytes(110 + seq),
            new UInt256(30_000_000_000UL + (ulong)seq),
            new UInt256(1_000_000_000UL + (ulong)seq),
            null,
            at ?? T0,
            submitted ? (at ?? T0).AddMilliseconds(5) : null);

    /// <summary>A queued transaction with one attempt, minimal fields.</summary>
    public static WalletTransaction Transaction(ulong chainId, Address from, ulong nonce, DateTimeOffset? createdAt = null, string? id = null, string status = TransactionStatus.Queued, int attempts = 1)
    {
        var at = createdAt ?? T0;
        return new WalletTransaction(
            id ?? NewId(),
            chainId,
            from,
            from,
            new UInt256(1_000 + nonce),
            ReadOnlyMemory<byte>.Empty,
            nonce,
            21_000,
            null,
            null,
            null,
            status,
            null,
            [.. Enumerable.Range(0, attempts).Select(i => Attempt(i, at: at))],
            null,
            null,
            false,
            at,
            at,
            [new StatusChange(status, at, null)],
            null,
            null,
            null);
    }

    /// <summary>A transaction with every field set, and the edge values: null to, empty data, 2^256-1.</summary>
    public static WalletTransaction FullTransaction(ulong chainId, Address from, ulong nonce)
    {
        var max = (UInt256)((BigInteger.One << 256) - 1);
        var minedHash = NewHash();
        var original = Attempt(0) with { MaxFeePerGas = max, MaxPriorityFeePerGas = UInt256.Zero };
        var bump = Attempt(1, TransactionAttempt.Bump, T0.AddSeconds(30)) with { Hash = minedHash };
        var cancel = new TransactionAttempt(2, TransactionAttempt.Cancel, NewHash(), new byte[] { 0x01, 0x00, 0xff }, null, null, new UInt256(7), T0.AddSeconds(40), null);
        return new WalletTransaction(
            NewId(),
            chainId,
            from,
            null,
            max,
            ReadOnlyMemory<byte>.Empty,
            nonce,
            ulong.MaxValue >> 1,
            max,
            new UInt256(2_000_000_000),
            new UInt256(3),
            TransactionStatus.Mined,
            minedHash,
            [original, bump, cancel],
            new TransactionReceipt(minedHash, ulong.MaxValue, NewHash(), 21_000, max, Success: false),
            new WalletError(WalletErrorCodes.ExecutionReverted, "execution reverted: \"no\" ü", "0x08c379a0"),
            true,
            T0,
            T0.AddMinutes(1),
            [
                new StatusChange(TransactionStatus.Queued, T0, null),
                new StatusChange(TransactionStatus.Submitted, T0.AddSeconds(1), "broadcast to 2 endpoints"),
                new StatusChange(TransactionStatus.Mined, T0.AddMinutes(1), "block 12"),
            ],
            "key_1",
            "idem-1",
            "ab12");
    }

    public static AccountWrite Insert(AccountRecord account, long expectedVersion, params WalletTransaction[] transactions) =>
        new(account, expectedVersion, [.. transactions], [], [], []);

    public static AccountWrite Write(
        AccountRecord account,
        long expectedVersion,
        IEnumerable<WalletTransaction>? inserted = null,
        IEnumerable<WalletTransaction>? updated = null,
        IEnumerable<(string, TransactionAttempt)>? attempts = null,
        IEnumerable<IdempotencyRecord>? keys = null) =>
        new(account, expectedVersion, [.. inserted ?? []], [.. updated ?? []], [.. attempts ?? []], [.. keys ?? []]);

    /// <summary>Asserts two transactions are equal field by field (records compare byte buffers by reference).</summary>
    public static void AssertSame(WalletTransaction expected, WalletTransaction? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.ChainId, actual.ChainId);
        Assert.Equal(expected.From, actual.From);
        Assert.Equal(expected.To, actual.To);
        Assert.Equal(expected.Value, actual.Value);
        Assert.Equal(expected.Data.ToArray(), actual.Data.ToArray());
        Assert.Equal(expected.Nonce, actual.Nonce);
        Assert.Equal(expected.GasLimit, actual.GasLimit);
        Assert.Equal(expected.MaxFeePerGasCap, actual.MaxFeePerGasCap);
        Assert.Equal(expected.MaxPriorityFeePerGasCap, actual.MaxPriorityFeePerGasCap);
        Assert.Equal(expected.GasPriceCap, actual.GasPriceCap);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.Hash, actual.Hash);
        Assert.Equal(expected.Receipt, actual.Receipt);
        Assert.Equal(expected.Error, actual.Error);
        Assert.Equal(expected.CancelRequested, actual.CancelRequested);
        AssertSameInstant(expected.CreatedAt, actual.CreatedAt);
        AssertSameInstant(expected.UpdatedAt, actual.UpdatedAt);
        Assert.Equal(expected.History.AsEnumerable(), actual.History.AsEnumerable());
        Assert.All(actual.History, h => Assert.Equal(TimeSpan.Zero, h.At.Offset));
        Assert.Equal(expected.ApiKeyId, actual.ApiKeyId);
        Assert.Equal(expected.IdempotencyKey, actual.IdempotencyKey);
        Assert.Equal(expected.RequestHash, actual.RequestHash);
        Assert.Equal(expected.Attempts.Length, actual.Attempts.Length);
        for (var i = 0; i < expected.Attempts.Length; i++)
        {
            AssertSame(expected.Attempts[i], actual.Attempts[i]);
        }
    }

    public static void AssertSame(TransactionAttempt expected, TransactionAttempt actual)
    {
        Assert.Equal(expected.Seq, actual.Seq);
        Assert.Equal(expected.Kind, actual.Kind);
        Assert.Equal(expected.Hash, actual.Hash);
        Assert.Equal(expected.Raw.ToArray(), actual.Raw.ToArray());
        Assert.Equal(expected.MaxFeePerGas, actual.MaxFeePerGas);
        Assert.Equal(expected.MaxPriorityFeePerGas, actual.MaxPriorityFeePerGas);
        Assert.Equal(expected.GasPrice, actual.GasPrice);
        AssertSameInstant(expected.SignedAt, actual.SignedAt);
        Assert.Equal(expected.SubmittedAt is null, actual.SubmittedAt is null);
        if (expected.SubmittedAt is { } submitted)
        {
            AssertSameInstant(submitted, actual.SubmittedAt!.Value);
        }
    }

    /// <summary>Same instant, read back in UTC.</summary>
    public static void AssertSameInstant(DateTimeOffset expected, DateTimeOffset actual)
    {
        Assert.Equal(expected.UtcDateTime, actual.UtcDateTime);
        Assert.Equal(TimeSpan.Zero, actual.Offset);
    }
}

/// <summary>Single-key reads over <see cref="IWalletStore"/> for the store tests.</summary>
internal static class WalletStoreTestReads
{
    /// <summary>The stored use of one idempotency key, or null.</summary>
    public static async Task<IdempotencyRecord?> FindIdempotencyKeyAsync(this IWalletStore store, string apiKeyId, string key, CancellationToken cancellationToken = default) =>
        (await store.FindIdempotencyKeysAsync([(apiKeyId, key)], cancellationToken)).SingleOrDefault();
}
