using System.Security.Cryptography;
using System.Text.Json.Nodes;
using WalletGrains.Ethereum.Abi;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Rpc;
using WalletGrains.Grains;
using WalletGrains.Grains.Monitoring;

namespace WalletGrains.Monitor.Tests;

public sealed class ActivityEventsTests
{
    private static readonly Address TokenAddress = MonitorChain.NewAddress();
    private static readonly Bytes32 BlockHash = RandomWord();
    private static readonly Bytes32 TxHash = RandomWord();

    [Fact]
    public void An_erc20_transfer_to_a_followed_address_is_one_incoming_event_with_the_log_fields()
    {
        var (from, to) = (MonitorChain.NewAddress(), MonitorChain.NewAddress());
        var amount = UInt256.Parse("123456789012345678901234567890");
        var log = Erc20Log(Erc20.TransferTopic, from, to, amount, logIndex: 7);

        var events = ActivityEvents.FromLog(log, new HashSet<Address> { to }).ToList();

        var e = Assert.Single(events);
        Assert.Equal(WalletEventTypes.TransferIncoming, e.Type);
        var data = JsonNode.Parse(e.Data)!.AsObject();
        Assert.Equal(
            ["txHash", "logIndex", "blockNumber", "blockHash", "token", "from", "to", "value", "tokenId", "key"],
            data.Select(p => p.Key).ToArray());
        Assert.Equal(TxHash.ToString(), (string)data["txHash"]!);
        Assert.Equal(7UL, (ulong)data["logIndex"]!);
        Assert.Equal(42UL, (ulong)data["blockNumber"]!);
        Assert.Equal(BlockHash.ToString(), (string)data["blockHash"]!);
        Assert.Equal(TokenAddress.ToChecksumString(), (string)data["token"]!);
        Assert.Equal(from.ToChecksumString(), (string)data["from"]!);
        Assert.Equal(to.ToChecksumString(), (string)data["to"]!);
        Assert.Equal(amount.ToString(), (string)data["value"]!);
        Assert.Null(data["tokenId"]);
        Assert.Equal(e.Key, (string)data["key"]!);
    }

    [Fact]
    public void A_transfer_between_two_followed_addresses_is_an_outgoing_and_an_incoming_event_with_different_keys()
    {
        var (from, to) = (MonitorChain.NewAddress(), MonitorChain.NewAddress());
        var events = ActivityEvents.FromLog(Erc20Log(Erc20.TransferTopic, from, to, 5, 0), new HashSet<Address> { from, to }).ToList();

        Assert.Equal([WalletEventTypes.TransferOutgoing, WalletEventTypes.TransferIncoming], events.Select(e => e.Type).ToArray());
        Assert.NotEqual(events[0].Key, events[1].Key);
    }

    [Fact]
    public void Logs_of_addresses_nobody_follows_give_nothing()
    {
        var log = Erc20Log(Erc20.TransferTopic, MonitorChain.NewAddress(), MonitorChain.NewAddress(), 5, 0);
        Assert.Empty(ActivityEvents.FromLog(log, new HashSet<Address> { MonitorChain.NewAddress() }));
    }

    [Fact]
    public void An_approval_is_reported_once_whether_the_owner_or_the_spender_is_followed()
    {
        var (owner, spender) = (MonitorChain.NewAddress(), MonitorChain.NewAddress());
        var log = Erc20Log(Erc20.ApprovalTopic, owner, spender, UInt256.MaxValue, 3);

        foreach (var watched in new[] { new HashSet<Address> { owner }, new HashSet<Address> { spender }, new HashSet<Address> { owner, spender } })
        {
            var e = Assert.Single(ActivityEvents.FromLog(log, watched));
            Assert.Equal(WalletEventTypes.Approval, e.Type);
            var data = JsonNode.Parse(e.Data)!.AsObject();
            Assert.Equal(
                ["txHash", "logIndex", "blockNumber", "blockHash", "token", "owner", "spender", "value", "tokenId", "key"],
                data.Select(p => p.Key).ToArray());
            Assert.Equal(owner.ToChecksumString(), (string)data["owner"]!);
            Assert.Equal(spender.ToChecksumString(), (string)data["spender"]!);
            Assert.Equal(UInt256.MaxValue.ToString(), (string)data["value"]!);
        }
    }

    [Fact]
    public void An_erc721_transfer_carries_its_token_id_as_value_and_as_tokenId()
    {
        var (from, to) = (MonitorChain.NewAddress(), MonitorChain.NewAddress());
        var tokenId = new UInt256(0xdeadbeef, 1);
        var log = Log([Erc20.TransferTopic, Bytes32.FromAddress(from), Bytes32.FromAddress(to), Bytes32.FromUInt256(tokenId)], [], 9);

        var e = Assert.Single(ActivityEvents.FromLog(log.Value, new HashSet<Address> { to }));
        var data = JsonNode.Parse(e.Data)!.AsObject();
        Assert.Equal(tokenId.ToString(), (string)data["value"]!);
        Assert.Equal(tokenId.ToString(), (string)data["tokenId"]!);
    }

    [Fact]
    public void Malformed_or_foreign_logs_are_skipped()
    {
        var (from, to) = (MonitorChain.NewAddress(), MonitorChain.NewAddress());
        var watched = new HashSet<Address> { from, to };
        var word = UInt256.One.ToBigEndian32();
        var dirtyTopic = Bytes32.FromBytes([.. Enumerable.Repeat((byte)0xff, 12), .. to.Bytes]);
        TestLog[] logs =
        [
            // ERC-20 shape with the wrong data length.
            Log([Erc20.TransferTopic, Bytes32.FromAddress(from), Bytes32.FromAddress(to)], [.. word, 0], 1),
            // ERC-721 shape with data.
            Log([Erc20.TransferTopic, Bytes32.FromAddress(from), Bytes32.FromAddress(to), Bytes32.Zero], word, 2),
            // Not an address in topic 2.
            Log([Erc20.TransferTopic, Bytes32.FromAddress(from), dirtyTopic], word, 3),
            // Another event.
            Log([AbiSignature.EventTopic("Deposit(address,uint256)"), Bytes32.FromAddress(to)], word, 4),
        ];

        Assert.All(logs, log => Assert.Empty(ActivityEvents.FromLog(log.Value, watched)));
    }

    [Fact]
    public void A_native_transfer_has_no_token_and_no_log_index_and_its_key_says_native()
    {
        var (from, to) = (MonitorChain.NewAddress(), MonitorChain.NewAddress());
        var e = Assert.Single(ActivityEvents.FromNativeTransfer(TxHash, 2, 42, BlockHash, from, to, 1000, new HashSet<Address> { to }));

        var data = JsonNode.Parse(e.Data)!.AsObject();
        Assert.Null(data["token"]);
        Assert.Null(data["logIndex"]);
        Assert.Equal("1000", (string)data["value"]!);
        Assert.Equal($"{WalletEventTypes.TransferIncoming}:{BlockHash}:{TxHash}:native", e.Key);
    }

    [Fact]
    public void The_key_changes_with_the_block_hash_so_a_transaction_mined_again_after_a_reorg_is_a_new_event()
    {
        var other = RandomWord();
        Assert.NotEqual(
            ActivityEvents.Key(WalletEventTypes.TransferIncoming, BlockHash, TxHash, 1),
            ActivityEvents.Key(WalletEventTypes.TransferIncoming, other, TxHash, 1));
    }

    private static RpcLog Erc20Log(Bytes32 topic, Address first, Address second, UInt256 value, ulong logIndex) =>
        Log([topic, Bytes32.FromAddress(first), Bytes32.FromAddress(second)], value.ToBigEndian32(), logIndex).Value;

    private static TestLog Log(Bytes32[] topics, byte[] data, ulong logIndex) =>
        new(new RpcLog(TokenAddress, topics, data, 42, BlockHash, TxHash, 0, logIndex, false));

    private static Bytes32 RandomWord() => Bytes32.FromBytes(RandomNumberGenerator.GetBytes(32));

    /// <summary>Wraps a log so xunit shows something short when one fails.</summary>
    private sealed record TestLog(RpcLog Value)
    {
        public override string ToString() => $"log #{Value.LogIndex}";
    }
}
