using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WalletGrains.Ethereum.Hex;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Signing;
using WalletGrains.Grains;
using WalletGrains.Grains.Accounts;
using WalletGrains.Grains.Storage;
using WalletGrains.Testing;

namespace WalletGrains.Integration.Tests;

/// <summary>
/// The transaction lifecycle against a real anvil and real storage: fee bumps and caps, anvil's
/// stuck queue, an older attempt winning, cancel races, reorgs, nonces used elsewhere, insufficient
/// funds, and recovery from rows left in every intermediate state.
/// </summary>
public abstract class LifecycleTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);
    private static readonly UInt256 Gwei = Wei.WeiPerGwei;

    protected abstract StorageKind Kind { get; }

    private static bool Is(JsonNode tx, string status) => (string)tx["status"]! == status;

    private static UInt256 Fee(JsonNode attempt, string field) => UInt256.Parse((string)attempt[field]!);

    [Fact]
    public async Task Sends_are_accepted_while_the_node_holds_the_accounts_receipt_lookup_and_broadcast()
    {
        var gate = new RpcGate();
        const string Receipts = "eth_getTransactionReceipt", Broadcasts = "eth_sendRawTransaction";

        // The event monitor also reads receipts; without it every held lookup is the account's poll.
        await using var h = await LifecycleHarness.StartAsync(
            Kind, new AnvilOptions { NoMining = true }, new Dictionary<string, string?> { ["Monitor:Enabled"] = "false" }, services: gate.AddTo);
        var (from, to) = (h.Accounts[0], h.Accounts[1]);
        var ids = new List<string> { await h.SendOkAsync(LifecycleHarness.Transfer(from, to)) };
        await WaitUntilAsync(async () => await h.NonceAsync(from, "pending") == 1, "the first send reached the node's pool");

        // Mined: the next poll looks up its receipt, and the node sits on the lookup.
        gate.Hold(Receipts);
        await h.MineAsync();
        await gate.WaitUntilHeldAsync(Receipts, Deadline);
        ids.Add(await h.SendOkAsync(LifecycleHarness.Transfer(from, to)).WaitAsync(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken));
        Assert.True(gate.Waiting(Receipts) > 0, "the send was answered only after the receipt lookup");

        // The node sits on a broadcast too: a send's answer never waited for its broadcast, nor does the next one.
        gate.Hold(Broadcasts);
        ids.Add(await h.SendOkAsync(LifecycleHarness.Transfer(from, to)).WaitAsync(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken));
        await gate.WaitUntilHeldAsync(Broadcasts, Deadline);
        ids.Add(await h.SendOkAsync(LifecycleHarness.Transfer(from, to)).WaitAsync(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken));
        Assert.True(gate.Waiting(Receipts) > 0 && gate.Waiting(Broadcasts) > 0, "a send waited for the node");

        // Released, everything goes through: nonces 0..3, all confirmed.
        gate.ReleaseAll();
        var final = await Task.WhenAll(ids.Select(id => h.WaitForAsync(id, t => Is(t, "confirmed"), Deadline, mine: true)));
        Assert.Equal([0UL, 1UL, 2UL, 3UL], final.Select(t => (ulong)t["nonce"]!));
        Assert.Equal(4UL, await h.NonceAsync(from));
    }

    /// <summary>
    /// A cold account asks the node for its pending nonce and balance, and has the chain's fee quote refreshed, while
    /// storage answers the activation's reads, so its first send waits for the slowest of them instead of one after
    /// another, and does not ask for the nonce again (one nonce read per activation, invariant 1).
    /// </summary>
    [Fact]
    public async Task A_cold_account_reads_the_node_while_storage_loads_it_and_its_first_send_does_not_wait_for_the_nonce_again()
    {
        const string Nonces = "eth_getTransactionCount";
        var (gate, reads) = (new RpcGate(), new StoreReadGate());
        await using var h = await LifecycleHarness.StartAsync(Kind, new AnvilOptions(), services: s =>
        {
            gate.AddTo(s);
            reads.AddTo(s);
        });
        var (from, to) = (h.Accounts[0], h.Accounts[1]);
        int PendingNonceReads() => gate.Seen(Nonces, from.ToLowerHex(), "pending");
        var before = (Nonces: PendingNonceReads(), Fees: gate.Seen("eth_feeHistory"));

        reads.Hold();
        var send = h.SendOkAsync(LifecycleHarness.Transfer(from, to));
        await reads.WaitUntilHeldAsync(Deadline);
        await WaitUntilAsync(() => Task.FromResult(PendingNonceReads() > before.Nonces), "the node was asked for the pending nonce");
        await WaitUntilAsync(() => Task.FromResult(gate.Seen("eth_feeHistory") > before.Fees), "the fee quote was refreshed (none was ever read)");
        Assert.Equal(1, reads.Waiting);
        Assert.False(send.IsCompleted, "the send was answered before its account row was read");

        // From here the node sits on every nonce read: the send is answered all the same.
        gate.Hold(Nonces);
        reads.Release();
        var id = await send.WaitAsync(Deadline, TestContext.Current.CancellationToken);

        gate.ReleaseAll();
        var confirmed = await h.WaitForAsync(id, t => Is(t, "confirmed"), Deadline);
        Assert.Equal(0UL, (ulong)confirmed["nonce"]!);
    }

    /// <summary>
    /// When the activation's read of the node fails, nothing is assumed: the first send reads the pending nonce itself,
    /// and skips a nonce used outside the service as before.
    /// </summary>
    [Fact]
    public async Task When_the_activations_read_of_the_node_fails_the_first_send_reads_the_nonce_itself()
    {
        var gate = new RpcGate();
        await using var h = await LifecycleHarness.StartAsync(Kind, new AnvilOptions(), services: gate.AddTo);
        var (from, to) = (h.Accounts[0], h.Accounts[1]);

        // Nonce 0 used outside the service (and mined), so only a read of the node gives the right next nonce.
        using var signer = new PrivateKeySigner(h.PrivateKeyOf(from));
        var theirs = signer.Sign(new Eip1559Transaction
        {
            ChainId = 31337, Nonce = 0, GasLimit = 21_000, To = to, Value = 1UL, MaxFeePerGas = 200 * Gwei, MaxPriorityFeePerGas = Gwei,
        });
        await h.Anvil.RequestAsync("eth_sendRawTransaction", theirs.RawHex);

        gate.FailNext("eth_getTransactionCount", 1);
        var (status, accepted) = await h.Node.SendAsync(LifecycleHarness.Transfer(from, to), ct: TestContext.Current.CancellationToken);
        Assert.True(status == 202, accepted?.ToJsonString());
        Assert.Equal(1, gate.Failed);
        Assert.Equal(1UL, (ulong)accepted!["nonce"]!);
        var confirmed = await h.WaitForAsync((string)accepted["id"]!, t => Is(t, "confirmed"), Deadline);
        Assert.Equal(1UL, (ulong)confirmed["nonce"]!);
    }

    /// <summary>
    /// A send batch whose commit fails reserved nothing: the activation that had already counted its nonces is
    /// dropped, and the next send gets the very next nonce, so nothing queues behind a nonce that never reaches the chain.
    /// </summary>
    [Fact]
    public async Task A_send_whose_commit_fails_leaves_no_nonce_gap()
    {
        var faults = new CommitFaults();
        await using var h = await LifecycleHarness.StartAsync(Kind, new AnvilOptions(), services: faults.AddTo);
        var (from, to) = (h.Accounts[0], h.Accounts[1]);
        var first = await h.SendOkAsync(LifecycleHarness.Transfer(from, to));
        await h.WaitForAsync(first, t => Is(t, "confirmed"), Deadline);

        faults.FailNext(1);
        var (status, problem) = await h.Node.SendAsync(LifecycleHarness.Transfer(from, to, "2000"), ct: TestContext.Current.CancellationToken);
        Assert.Equal(500, status);
        Assert.Equal("internal_error", (string)problem!["code"]!);
        Assert.Equal(1, faults.Failed);

        var next = await h.SendOkAsync(LifecycleHarness.Transfer(from, to, "3000"));
        var confirmed = await h.WaitForAsync(next, t => Is(t, "confirmed"), Deadline);
        Assert.Equal(1UL, (ulong)confirmed["nonce"]!);
        Assert.Equal(2UL, await h.NonceAsync(from));
        var page = await h.Node.GetJsonAsync($"v1/transactions?from={from.ToChecksumString()}&chainId=31337", TestContext.Current.CancellationToken);
        Assert.DoesNotContain(page["items"]!.AsArray(), t => (string)t!["value"]! == "2000");
    }

    /// <summary>
    /// A send is answered once its commit is durable. The account's poll reminder, which only brings the account back
    /// after a restart or an idle collection, is written by the account's next poll, not on the send's path: a reminder
    /// write that fails cannot turn a durable, accepted send into an error (the caller would send it again), and each
    /// poll tries again until storage takes it. Once nothing is pending the reminder is removed.
    /// </summary>
    [Fact]
    public async Task A_send_is_answered_after_its_commit_while_its_poll_reminder_cannot_be_written()
    {
        var logs = new ListLoggerProvider();
        await using var h = await LifecycleHarness.StartAsync(
            Kind, new AnvilOptions { NoMining = true }, services: s => s.AddSingleton<ILoggerProvider>(logs));
        var (from, to) = (h.Accounts[0], h.Accounts[1]);
        var key = GrainKeys.Account(31337, from);
        async Task<long> Reminders() =>
            Convert.ToInt64(await h.ExecuteSqlAsync($"SELECT COUNT(*) FROM reminders WHERE grain_key = '{key}' AND reminder_name = 'poll'"), CultureInfo.InvariantCulture);
        int FailedReminderWrites() => logs.Lines.Count(l => l.Category == typeof(AccountGrain).FullName && l.EventId.Id == 2012);

        // Storage refuses this account's reminder row, and nothing else.
        await h.ExecuteSqlAsync(Kind == StorageKind.Sqlite
            ? $"CREATE TRIGGER refuse_reminder BEFORE INSERT ON reminders WHEN NEW.grain_key = '{key}' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;"
            : "CREATE FUNCTION refuse_reminder() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$; "
              + $"CREATE TRIGGER refuse_reminder BEFORE INSERT ON reminders FOR EACH ROW WHEN (NEW.grain_key = '{key}') EXECUTE FUNCTION refuse_reminder();");

        var (status, accepted) = await h.Node.SendAsync(LifecycleHarness.Transfer(from, to), ct: TestContext.Current.CancellationToken);
        Assert.True(status == 202, accepted?.ToJsonString());
        var id = (string)accepted!["id"]!;
        await WaitUntilAsync(() => Task.FromResult(FailedReminderWrites() >= 2), "two polls tried to write the reminder");
        Assert.Equal(0, await Reminders());
        await WaitUntilAsync(async () => await h.NonceAsync(from, "pending") == 1, "the send reached the node's pool");

        // Storage takes it again: a later poll writes the reminder while the transaction is pending.
        await h.ExecuteSqlAsync(Kind == StorageKind.Sqlite ? "DROP TRIGGER refuse_reminder;" : "DROP TRIGGER refuse_reminder ON reminders;");
        await WaitUntilAsync(async () => await Reminders() == 1, "a poll wrote the reminder");
        Assert.Equal("submitted", (string)(await h.GetAsync(id))["status"]!);

        var confirmed = await h.WaitForAsync(id, t => Is(t, "confirmed"), Deadline, mine: true);
        Assert.Equal(0UL, (ulong)confirmed["nonce"]!);
        await WaitUntilAsync(async () => await Reminders() == 0, "the reminder was removed once nothing was pending");
    }

    /// <summary>
    /// A poll's commit that still waits when the silo stops is cancelled with the silo's stopping token. That is the
    /// end of a normal shutdown, not a failure: nothing at Warning or above (a burst over a thousand accounts used to
    /// log one error and one warning per account on every stop). The next silo reads storage and confirms it all.
    /// </summary>
    [Fact]
    public async Task Stopping_the_silo_while_a_poll_commit_waits_logs_no_failure_and_loses_nothing()
    {
        var faults = new CommitFaults();
        var logs = new ListLoggerProvider();
        await using var h = await LifecycleHarness.StartAsync(
            Kind, new AnvilOptions { NoMining = true }, new Dictionary<string, string?> { ["Monitor:Enabled"] = "false" },
            services: s =>
            {
                faults.AddTo(s);
                s.AddSingleton<ILoggerProvider>(logs);
            });
        var (from, to) = (h.Accounts[0], h.Accounts[1]);
        var id = await h.SendOkAsync(LifecycleHarness.Transfer(from, to));
        await WaitUntilAsync(async () => await h.NonceAsync(from, "pending") == 1, "the send reached the node's pool");

        // Mined: the next poll reads the receipt and its commit (submitted → confirmed) is held until the silo stops.
        faults.HoldUpdates();
        await h.MineAsync();
        await faults.WaitUntilHeldAsync(Deadline);
        await h.RestartAsync();

        Assert.Equal(1, faults.CancelledWhileHeld);
        var accountLines = logs.Lines.Where(l => l.Category == typeof(AccountGrain).FullName).ToList();
        Assert.DoesNotContain(accountLines, l => l.Level >= LogLevel.Warning);
        var confirmed = await h.WaitForAsync(id, t => Is(t, "confirmed"), Deadline);
        Assert.Equal(0UL, (ulong)confirmed["nonce"]!);
        Assert.Equal(1UL, await h.NonceAsync(from));
    }

    private static Task WaitUntilAsync(Func<Task<bool>> condition, string what) =>
        Eventually.HoldsAsync(condition, Deadline, what, TestContext.Current.CancellationToken);

    [Fact]
    public async Task Fee_spike_bumps_stuck_transactions_until_all_confirm_never_above_the_cap()
    {
        await using var h = await LifecycleHarness.StartAsync(Kind, new AnvilOptions { NoMining = true });
        var from = h.Accounts[0];
        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            ids.Add(await h.SendOkAsync(LifecycleHarness.Transfer(from, h.Accounts[1])));
        }

        // The market jumps to 80 gwei for every block mined from now on.
        var spike = 80 * Gwei;
        var until = DateTime.UtcNow + Deadline;
        List<JsonNode> final;
        while (true)
        {
            await h.Anvil.RequestAsync("anvil_setNextBlockBaseFeePerGas", LifecycleHarness.Quantity(spike));
            await h.MineAsync();
            final = [.. await Task.WhenAll(ids.Select(h.GetAsync))];
            if (final.All(t => Is(t, "confirmed")))
            {
                break;
            }

            Assert.True(DateTime.UtcNow < until, $"not all confirmed: {string.Join(",", final.Select(t => (string)t["status"]!))}");
            await Task.Delay(300, TestContext.Current.CancellationToken);
        }

        var cap = 500 * Gwei;
        foreach (var tx in final)
        {
            var attempts = tx["attempts"]!.AsArray();
            Assert.True(attempts.Count >= 2, $"no bump: {tx.ToJsonString()}");
            for (var i = 1; i < attempts.Count; i++)
            {
                // Invariant 5: both fields raised by at least the configured 20 %.
                Assert.True(Fee(attempts[i]!, "maxFeePerGas") * 100UL >= Fee(attempts[i - 1]!, "maxFeePerGas") * 120UL);
                Assert.True(Fee(attempts[i]!, "maxPriorityFeePerGas") * 100UL >= Fee(attempts[i - 1]!, "maxPriorityFeePerGas") * 120UL);
            }

            Assert.All(attempts, a => Assert.True(Fee(a!, "maxFeePerGas") <= cap));
            Assert.True(UInt256.Parse((string)tx["receipt"]!["effectiveGasPrice"]!) >= spike);
        }

        // The event log tells the same story, in order, with the resource as it was at each step.
        var events = await h.EventsOfAsync(ids[0]);
        Assert.Equal(("transaction.submitted", "submitted"), events[0]);
        Assert.Contains(("transaction.fee_bumped", "submitted"), events);
        Assert.Equal(("transaction.mined", "mined"), events[^2]);
        Assert.Equal(("transaction.confirmed", "confirmed"), events[^1]);
    }

    [Fact]
    public async Task Below_market_cap_reports_fee_cap_reached_and_stays_pending()
    {
        var cap = 50 * Gwei;
        await using var h = await LifecycleHarness.StartAsync(Kind, new AnvilOptions { NoMining = true },
            new Dictionary<string, string?> { ["MaxFeePerGasCap"] = cap.ToString() });
        var id = await h.SendOkAsync(LifecycleHarness.Transfer(h.Accounts[0], h.Accounts[1]));

        var tx = await h.WaitForAsync(id, t => (string?)t["error"]?["code"] == WalletErrorCodes.FeeCapReached, Deadline);
        for (var i = 0; i < 3; i++)
        {
            await h.Anvil.RequestAsync("anvil_setNextBlockBaseFeePerGas", LifecycleHarness.Quantity(80 * Gwei));
            await h.MineAsync();
        }

        tx = await h.GetAsync(id);
        Assert.Equal("submitted", (string)tx["status"]!);
        Assert.Equal(WalletErrorCodes.FeeCapReached, (string)tx["error"]!["code"]!);
        Assert.All(tx["attempts"]!.AsArray(), a => Assert.True(Fee(a!, "maxFeePerGas") <= cap));
        Assert.Equal(0UL, await h.NonceAsync(h.Accounts[0]));
    }

    [Fact]
    public async Task Anvil_stuck_queue_under_automine_still_confirms_all_fifty()
    {
        await using var h = await LifecycleHarness.StartAsync(Kind, new AnvilOptions());
        var from = h.Accounts[0];
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => h.Node.SendAsync(LifecycleHarness.Transfer(from, h.Accounts[1]))));
        Assert.All(responses, r => Assert.Equal(202, r.Status));
        var ids = responses.Select(r => (string)r.Body!["id"]!).ToList();
        var done = await h.Node.WaitForStatusAsync(ids, Deadline, "confirmed", "failed", "cancelled");
        Assert.All(done, t => Assert.Equal("confirmed", (string)t["status"]!));
        Assert.Equal(50UL, await h.NonceAsync(from));
    }

    [Fact]
    public async Task An_older_cheaper_attempt_being_mined_is_recognised()
    {
        await using var h = await LifecycleHarness.StartAsync(Kind, new AnvilOptions { NoMining = true });
        var id = await h.SendOkAsync(LifecycleHarness.Transfer(h.Accounts[0], h.Accounts[1]));
        await h.WaitForAsync(id, t => t["attempts"]!.AsArray().Count >= 2, Deadline);

        // The node forgets the bump and mines the original: stop the service so nothing is re-sent meanwhile.
        var original = await h.RawAttemptAsync(id, 0);
        var originalHash = (string)(await h.GetAsync(id))["attempts"]![0]!["hash"]!;
        await h.Node.DisposeAsync();
        await h.Anvil.RequestAsync("anvil_dropAllTransactions");
        await h.Anvil.RequestAsync("eth_sendRawTransaction", original);
        await h.MineAsync();
        await h.RestartAsync();

        var tx = await h.WaitForAsync(id, t => Is(t, "confirmed"), Deadline);
        Assert.Equal(originalHash, (string)tx["hash"]!);
    }

    [Fact]
    public async Task Cancel_of_a_pending_transaction_ends_cancelled_when_the_replacement_wins()
    {
        await using var h = await LifecycleHarness.StartAsync(Kind, new AnvilOptions { NoMining = true },
            new Dictionary<string, string?> { ["BumpAfter"] = "00:01:00" });
        var from = h.Accounts[0];
        var id = await h.SendOkAsync(LifecycleHarness.Transfer(from, h.Accounts[1], "12345"));
        using var response = await h.Node.Http.PostAsync($"v1/transactions/{id}/cancel", null, TestContext.Current.CancellationToken);
        Assert.Equal(202, (int)response.StatusCode);
        var requested = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.True((bool)requested["cancelRequested"]!);
        Assert.Equal(2, requested["attempts"]!.AsArray().Count);

        var tx = await h.WaitForAsync(id, t => Is(t, "cancelled"), Deadline, mine: true);
        var onChain = TransactionDecoder.Decode(HexConvert.FromHex((string)(await h.Anvil.RequestAsync("eth_getRawTransactionByHash", (string)tx["hash"]!))!));
        Assert.Equal(from, onChain.Transaction.To);
        Assert.Equal(UInt256.Zero, onChain.Transaction.Value);
        Assert.Equal((ulong)tx["nonce"]!, onChain.Transaction.Nonce);
        Assert.Equal(0, (await h.Node.GetJsonAsync($"v1/accounts/31337/{from}", TestContext.Current.CancellationToken))["queued"]!.GetValue<int>());
        Assert.Equal(("transaction.cancelled", "cancelled"), (await h.EventsOfAsync(id))[^1]);
    }

    [Fact]
    public async Task Cancel_of_a_pending_transaction_ends_confirmed_when_the_original_wins()
    {
        await using var h = await LifecycleHarness.StartAsync(Kind, new AnvilOptions { NoMining = true },
            new Dictionary<string, string?> { ["BumpAfter"] = "00:01:00" });
        var id = await h.SendOkAsync(LifecycleHarness.Transfer(h.Accounts[0], h.Accounts[1], "777"));
        using (var response = await h.Node.Http.PostAsync($"v1/transactions/{id}/cancel", null, TestContext.Current.CancellationToken))
        {
            Assert.Equal(202, (int)response.StatusCode);
        }

        var original = await h.RawAttemptAsync(id, 0);
        await h.Node.DisposeAsync();
        await h.Anvil.RequestAsync("anvil_dropAllTransactions");
        await h.Anvil.RequestAsync("eth_sendRawTransaction", original);
        await h.MineAsync();
        await h.RestartAsync();

        var tx = await h.WaitForAsync(id, t => Is(t, "confirmed") || Is(t, "cancelled"), Deadline);
        Assert.Equal("confirmed", (string)tx["status"]!);
        Assert.Equal((string)tx["attempts"]![0]!["hash"]!, (string)tx["hash"]!);
    }

    [Fact]
    public async Task Cancel_of_a_queued_transaction_is_immediate_and_its_nonce_is_filled()
    {
        await using var h = await LifecycleHarness.StartAsync(Kind, new AnvilOptions { NoMining = true },
            new Dictionary<string, string?> { ["MaxInFlight"] = "1" });
        var from = h.Accounts[0];
        var first = await h.SendOkAsync(LifecycleHarness.Transfer(from, h.Accounts[1]));
        var second = await h.SendOkAsync(LifecycleHarness.Transfer(from, h.Accounts[1]));
        Assert.Equal("queued", (string)(await h.GetAsync(second))["status"]!);

        using (var response = await h.Node.Http.PostAsync($"v1/transactions/{second}/cancel", null, TestContext.Current.CancellationToken))
        {
            Assert.Equal(202, (int)response.StatusCode);
            Assert.Equal("cancelled", (string)JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["status"]!);
        }

        await h.WaitForAsync(first, t => Is(t, "confirmed"), Deadline, mine: true);
        var list = await h.Node.GetJsonAsync($"v1/transactions?from={from}&limit=10", TestContext.Current.CancellationToken);
        var filler = list["items"]!.AsArray().Single(t => (string)t!["id"]! != first && (string)t!["id"]! != second)!;
        Assert.Equal(from.ToChecksumString(), (string)filler["to"]!);
        Assert.Equal("0", (string)filler["value"]!);
        Assert.Equal(1UL, (ulong)filler["nonce"]!);
        await h.WaitForAsync((string)filler["id"]!, t => Is(t, "confirmed"), Deadline, mine: true);
        Assert.Equal(2UL, await h.NonceAsync(from));
    }

    [Fact]
    public async Task A_reorg_moves_mined_back_to_submitted_and_it_confirms_again()
    {
        await using var h = await LifecycleHarness.StartAsync(Kind, new AnvilOptions { NoMining = true },
            new Dictionary<string, string?> { ["Confirmations"] = "3" });
        var id = await h.SendOkAsync(LifecycleHarness.Transfer(h.Accounts[0], h.Accounts[1]));

        // The 202 comes once the send is durable; its broadcast follows. On a busy host it reached the node only after
        // the block below was mined, and the test then waited for a mining that never came.
        await WaitUntilAsync(async () => await h.NonceAsync(h.Accounts[0], "pending") == 1, "the send reached the node's pool");

        // The block that includes it is reorganised away: revert the chain to before that block.
        var snapshot = (string)(await h.Anvil.RequestAsync("evm_snapshot"))!;
        await h.MineAsync();
        await h.WaitForAsync(id, t => Is(t, "mined"), Deadline);
        Assert.True((bool)(await h.Anvil.RequestAsync("evm_revert", snapshot))!);
        await h.WaitForAsync(id, t => Is(t, "submitted"), Deadline);

        var tx = await h.WaitForAsync(id, t => Is(t, "confirmed"), Deadline, mine: true);
        var steps = tx["history"]!.AsArray().Select(e => (string)e!["status"]!).ToList();
        var mined = steps.IndexOf("mined");
        Assert.True(mined >= 0 && steps.IndexOf("submitted", mined) > mined && steps.LastIndexOf("mined") > mined, string.Join(" > ", steps));
        Assert.Contains(tx["history"]!.AsArray(), e => ((string?)e!["detail"])?.Contains("reorg", StringComparison.Ordinal) == true);
        Assert.Equal("confirmed", steps[^1]);
        Assert.Equal(1UL, await h.NonceAsync(h.Accounts[0]));
    }

    [Fact]
    public async Task A_nonce_used_by_another_signer_is_reported_and_the_account_resyncs()
    {
        await using var h = await LifecycleHarness.StartAsync(Kind, new AnvilOptions { NoMining = true },
            new Dictionary<string, string?> { ["BumpAfter"] = "00:01:00" });
        var from = h.Accounts[0];
        var ours = await h.SendOkAsync(LifecycleHarness.Transfer(from, h.Accounts[1]));

        // Someone else holding the key replaces nonce 0 with their own transaction, and it is mined.
        using var signer = new PrivateKeySigner(h.PrivateKeyOf(from));
        var theirs = signer.Sign(new Eip1559Transaction
        {
            ChainId = 31337, Nonce = 0, GasLimit = 21_000, To = from, Value = 1UL,
            MaxFeePerGas = 200 * Gwei, MaxPriorityFeePerGas = 100 * Gwei,
        });
        await h.Anvil.RequestAsync("eth_sendRawTransaction", theirs.RawHex);
        await h.MineAsync();

        var failed = await h.WaitForAsync(ours, t => Is(t, "failed"), Deadline);
        Assert.Equal(WalletErrorCodes.NonceConsumedExternally, (string)failed["error"]!["code"]!);

        var next = await h.SendOkAsync(LifecycleHarness.Transfer(from, h.Accounts[1]));
        Assert.Equal(1UL, (ulong)(await h.GetAsync(next))["nonce"]!);
        await h.WaitForAsync(next, t => Is(t, "confirmed"), Deadline, mine: true);
    }

    [Fact]
    public async Task The_first_send_of_an_account_starts_at_the_chains_pending_nonce()
    {
        await using var h = await LifecycleHarness.StartAsync(Kind, new AnvilOptions { NoMining = true });
        var from = h.Accounts[0];

        // Before the service ever sent from this account, the key signed elsewhere: nonce 0 mined, nonce 1 pending.
        using var signer = new PrivateKeySigner(h.PrivateKeyOf(from));
        for (ulong nonce = 0; nonce < 2; nonce++)
        {
            var theirs = signer.Sign(new Eip1559Transaction
            {
                ChainId = 31337, Nonce = nonce, GasLimit = 21_000, To = h.Accounts[1], Value = 1UL,
                MaxFeePerGas = 200 * Gwei, MaxPriorityFeePerGas = Gwei,
            });
            await h.Anvil.RequestAsync("eth_sendRawTransaction", theirs.RawHex);
            if (nonce == 0)
            {
                await h.MineAsync();
            }
        }

        var sends = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => h.SendOkAsync(LifecycleHarness.Transfer(from, h.Accounts[1]))));
        var nonces = new List<ulong>();
        foreach (var id in sends)
        {
            nonces.Add((ulong)(await h.GetAsync(id))["nonce"]!);
        }

        Assert.Equal([2UL, 3UL, 4UL], nonces.Order());
        foreach (var id in sends)
        {
            await h.WaitForAsync(id, t => Is(t, "confirmed"), Deadline, mine: true);
        }

        Assert.Equal(5UL, await h.NonceAsync(from));
    }

    [Fact]
    public async Task Insufficient_funds_at_broadcast_pauses_the_queue_until_funded()
    {
        await using var h = await LifecycleHarness.StartAsync(Kind, new AnvilOptions { NoMining = true },
            new Dictionary<string, string?> { ["MaxInFlight"] = "1" });
        var from = h.Accounts[0];
        var first = await h.SendOkAsync(LifecycleHarness.Transfer(from, h.Accounts[1]));
        var second = await h.SendOkAsync(LifecycleHarness.Transfer(from, h.Accounts[1]));

        // The balance vanishes and the node forgets the pending transaction: re-sending it fails.
        await h.Anvil.RequestAsync("anvil_setBalance", from.ToLowerHex(), "0x0");
        await h.Anvil.RequestAsync("anvil_dropAllTransactions");
        var until = DateTime.UtcNow + Deadline;
        JsonNode account;
        while (true)
        {
            account = await h.Node.GetJsonAsync($"v1/accounts/31337/{from}", TestContext.Current.CancellationToken);
            if (account["pausedReason"] is not null)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < until, $"account never paused: {account.ToJsonString()}");
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        Assert.Contains("insufficient funds", (string)account["pausedReason"]!, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("queued", (string)(await h.GetAsync(second))["status"]!);

        await h.Anvil.RequestAsync("anvil_setBalance", from.ToLowerHex(), LifecycleHarness.Quantity(Wei.WeiPerEther * 10UL));
        await h.WaitForAsync(second, t => Is(t, "confirmed"), Deadline, mine: true);
        Assert.Equal("confirmed", (string)(await h.GetAsync(first))["status"]!);
        Assert.Null((await h.Node.GetJsonAsync($"v1/accounts/31337/{from}", TestContext.Current.CancellationToken))["pausedReason"]);
    }

    [Fact]
    public async Task A_transaction_no_node_accepts_fails_and_a_self_transfer_fills_its_nonce()
    {
        await using var h = await LifecycleHarness.StartAsync(Kind, new AnvilOptions());
        var from = h.Accounts[0];

        // A gas limit above the block gas limit: every node refuses it, so no attempt is ever accepted.
        var bad = LifecycleHarness.Transfer(from, h.Accounts[1]);
        bad["gasLimit"] = 40_000_000;
        var failedId = await h.SendOkAsync(bad);
        var after = await h.SendOkAsync(LifecycleHarness.Transfer(from, h.Accounts[1]));

        var failed = await h.WaitForAsync(failedId, t => Is(t, "failed"), Deadline);
        Assert.Equal(WalletErrorCodes.BroadcastRejected, (string)failed["error"]!["code"]!);
        await h.WaitForAsync(after, t => Is(t, "confirmed"), Deadline);

        var list = await h.Node.GetJsonAsync($"v1/transactions?from={from}&limit=10", TestContext.Current.CancellationToken);
        var filler = list["items"]!.AsArray().Single(t => (ulong)t!["nonce"]! == 0 && (string)t["id"]! != failedId)!;
        Assert.Equal(from.ToChecksumString(), (string)filler["to"]!);
        await h.WaitForAsync((string)filler["id"]!, t => Is(t, "confirmed"), Deadline);
        Assert.Equal(2UL, await h.NonceAsync(from));
    }

    [Fact]
    public async Task Rows_left_in_every_intermediate_state_are_finished_after_a_restart()
    {
        await using var h = await LifecycleHarness.StartAsync(Kind, new AnvilOptions { NoMining = true });
        var from = h.Accounts[0];
        var to = h.Accounts[1];
        await h.Node.DisposeAsync();

        // What a crash can leave: signed and durable but never sent; sent but not mined; queued.
        // (A nonce is never reserved without its signed attempt: both go in one write.)
        using var signer = new PrivateKeySigner(h.PrivateKeyOf(from));
        var now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        WalletTransaction Row(ulong nonce, string status, bool submitted, out SignedTransaction signed)
        {
            signed = signer.Sign(new Eip1559Transaction
            {
                ChainId = 31337, Nonce = nonce, GasLimit = 21_000, To = to, Value = 100UL + nonce,
                MaxFeePerGas = 10 * Gwei, MaxPriorityFeePerGas = Gwei,
            });
            var attempt = new TransactionAttempt(0, TransactionAttempt.Original, signed.Hash, signed.Raw, 10 * Gwei, Gwei, null, now, submitted ? now : null);
            return new WalletTransaction($"tx_crash_{nonce}_{Guid.NewGuid():N}", 31337, from, to, 100UL + nonce, ReadOnlyMemory<byte>.Empty, nonce, 21_000,
                null, null, null, status, signed.Hash, [attempt], null, null, false, now, now, [new StatusChange(status, now, null)], null, null, null);
        }

        var neverSent = Row(0, TransactionStatus.Submitted, submitted: true, out _);
        var sent = Row(1, TransactionStatus.Submitted, submitted: true, out var sentSigned);
        var queued = Row(2, TransactionStatus.Queued, submitted: false, out _);
        var store = WalletStoreFactory.Create(WalletSchema.ParseProvider(h.Settings["Wallet:Storage:Provider"]!), h.Settings["Wallet:Storage:ConnectionString"]!);
        try
        {
            await store.CommitAsync(new AccountWrite(new AccountRecord(31337, from, 3, 0, null, now), 0, [neverSent, sent, queued], [], [], []), TestContext.Current.CancellationToken);
        }
        finally
        {
            if (store is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }

        await h.Anvil.RequestAsync("eth_sendRawTransaction", sentSigned.RawHex);
        await h.RestartAsync();

        foreach (var id in new[] { neverSent.Id, sent.Id, queued.Id })
        {
            var tx = await h.WaitForAsync(id, t => Is(t, "confirmed"), Deadline, mine: true);
            Assert.Single(tx["attempts"]!.AsArray());
        }

        Assert.Equal(3UL, await h.NonceAsync(from));
        var next = await h.SendOkAsync(LifecycleHarness.Transfer(from, to));
        Assert.Equal(3UL, (ulong)(await h.GetAsync(next))["nonce"]!);
    }
}

public sealed class SqliteLifecycleTests : LifecycleTests
{
    protected override StorageKind Kind => StorageKind.Sqlite;
}

public sealed class PostgresLifecycleTests : LifecycleTests
{
    protected override StorageKind Kind => StorageKind.Postgres;
}
