using System.Globalization;
using System.Text.Json;
using WalletGrains.Ethereum.Abi;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Rpc;
using WalletGrains.Grains.Resources;

namespace WalletGrains.Grains.Monitoring;

/// <summary>
/// <c>data</c> of <c>transfer.incoming</c> and <c>transfer.outgoing</c> (DESIGN.md §6). For a native transfer
/// <see cref="Token"/> and <see cref="LogIndex"/> are null. For an ERC-721 transfer (token id as a fourth topic, no
/// data) <see cref="Value"/> is the token id, the event's one uint256, and <see cref="TokenId"/> repeats it, so a
/// reader can tell an NFT from an amount; for ERC-20 and native transfers <see cref="TokenId"/> is null.
/// <see cref="Key"/> names the event stably (type, block hash, transaction, log index): a removal carries the key of
/// the event it undoes, and a repeated delivery (at-least-once) the same key again.
/// </summary>
public sealed record TransferEventData(
    string TxHash,
    ulong? LogIndex,
    ulong BlockNumber,
    string BlockHash,
    string? Token,
    string From,
    string To,
    string Value,
    string? TokenId,
    string Key);

/// <summary>
/// <c>data</c> of <c>approval</c> (DESIGN.md §6), for ERC-20 allowances and ERC-721 single-token approvals
/// (<see cref="TokenId"/> set, <see cref="Value"/> the token id), with the same <see cref="Key"/> rule as transfers.
/// </summary>
public sealed record ApprovalEventData(
    string TxHash,
    ulong LogIndex,
    ulong BlockNumber,
    string BlockHash,
    string Token,
    string Owner,
    string Spender,
    string Value,
    string? TokenId,
    string Key);

/// <summary>One event found in a block, in block order, ready to append.</summary>
/// <param name="LogIndex">Null for a native transfer (it sorts before the logs of its transaction).</param>
public sealed record ActivityEvent(string Type, ulong BlockNumber, ulong TransactionIndex, ulong? LogIndex, string Key, string Data);

/// <summary>Turns logs and native transfers into activity events for a set of followed addresses.</summary>
public static class ActivityEvents
{
    /// <summary>The event signatures one log query asks for (topic 0 alternatives); ERC-20 and ERC-721 share both.</summary>
    public static IReadOnlyList<Bytes32> EventTopics { get; } = [Erc20.TransferTopic, Erc20.ApprovalTopic];

    /// <summary><c>"{type}:{blockHash}:{txHash}:{logIndex or 'native'}"</c>.</summary>
    public static string Key(string type, Bytes32 blockHash, Bytes32 txHash, ulong? logIndex) =>
        string.Create(CultureInfo.InvariantCulture, $"{type}:{blockHash}:{txHash}:{(logIndex is { } i ? i.ToString(CultureInfo.InvariantCulture) : "native")}");

    /// <summary>
    /// The events of one <c>Transfer</c> or <c>Approval</c> log: an outgoing transfer when the sender is followed, an
    /// incoming one when the receiver is (both for a transfer between two followed addresses), one approval when the
    /// owner or the spender is. Logs of other shapes (other events, non-indexed parties, malformed data) give none.
    /// </summary>
    public static IEnumerable<ActivityEvent> FromLog(RpcLog log, IReadOnlySet<Address> watched)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(watched);
        if (log.BlockNumber is not { } blockNumber || log.BlockHash is not { } blockHash || log.TransactionHash is not { } txHash
            || log.LogIndex is not { } logIndex || log.TransactionIndex is not { } txIndex
            || !TryDecode(log, out var first, out var second, out var value, out var tokenId))
        {
            yield break;
        }

        var token = log.Address.ToChecksumString();
        var valueText = value.ToString();
        var tokenIdText = tokenId?.ToString();
        if (log.Topics[0] == Erc20.TransferTopic)
        {
            foreach (var type in TransferTypes(first, second, watched))
            {
                var key = Key(type, blockHash, txHash, logIndex);
                var data = new TransferEventData(txHash.ToString(), logIndex, blockNumber, blockHash.ToString(), token,
                    first.ToChecksumString(), second.ToChecksumString(), valueText, tokenIdText, key);
                yield return new ActivityEvent(type, blockNumber, txIndex, logIndex, key, Serialize(data));
            }
        }
        else if (watched.Contains(first) || watched.Contains(second))
        {
            var key = Key(WalletEventTypes.Approval, blockHash, txHash, logIndex);
            var data = new ApprovalEventData(txHash.ToString(), logIndex, blockNumber, blockHash.ToString(), token,
                first.ToChecksumString(), second.ToChecksumString(), valueText, tokenIdText, key);
            yield return new ActivityEvent(WalletEventTypes.Approval, blockNumber, txIndex, logIndex, key, Serialize(data));
        }
    }

    /// <summary>The events of a successful transaction that moved native value between <paramref name="from"/> and <paramref name="to"/>.</summary>
    public static IEnumerable<ActivityEvent> FromNativeTransfer(
        Bytes32 txHash, ulong txIndex, ulong blockNumber, Bytes32 blockHash, Address from, Address to, UInt256 value, IReadOnlySet<Address> watched)
    {
        ArgumentNullException.ThrowIfNull(watched);
        foreach (var type in TransferTypes(from, to, watched))
        {
            var key = Key(type, blockHash, txHash, null);
            var data = new TransferEventData(txHash.ToString(), null, blockNumber, blockHash.ToString(), null,
                from.ToChecksumString(), to.ToChecksumString(), value.ToString(), null, key);
            yield return new ActivityEvent(type, blockNumber, txIndex, null, key, Serialize(data));
        }
    }

    private static IEnumerable<string> TransferTypes(Address from, Address to, IReadOnlySet<Address> watched)
    {
        if (watched.Contains(from))
        {
            yield return WalletEventTypes.TransferOutgoing;
        }

        if (watched.Contains(to))
        {
            yield return WalletEventTypes.TransferIncoming;
        }
    }

    /// <summary>
    /// ERC-20: three topics (signature, two indexed addresses) and the amount as one 32-byte word of data.
    /// ERC-721: four topics (the token id indexed too) and no data.
    /// </summary>
    private static bool TryDecode(RpcLog log, out Address first, out Address second, out UInt256 value, out UInt256? tokenId)
    {
        first = default;
        second = default;
        value = default;
        tokenId = null;
        var topics = log.Topics;
        if (topics.Count is < 3 or > 4
            || (topics[0] != Erc20.TransferTopic && topics[0] != Erc20.ApprovalTopic)
            || !topics[1].TryToAddress(out first)
            || !topics[2].TryToAddress(out second))
        {
            return false;
        }

        if (topics.Count == 3 && log.Data.Length == AbiType.WordSize)
        {
            value = UInt256.FromBigEndian(log.Data);
            return true;
        }

        if (topics.Count == 4 && log.Data.Length == 0)
        {
            value = topics[3].ToUInt256();
            tokenId = value;
            return true;
        }

        return false;
    }

    private static string Serialize<T>(T data) => JsonSerializer.Serialize(data, ResourceJson.Options);
}
