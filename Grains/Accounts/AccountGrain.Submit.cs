using System.Collections.Immutable;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Rpc;
using WalletGrains.Ethereum.Signing;
using WalletGrains.Grains.Storage;

namespace WalletGrains.Grains.Accounts;

/// <summary>The send path of <see cref="AccountGrain"/>: checks, nonces, signatures, one durable write, broadcast.</summary>
public sealed partial class AccountGrain
{
    /// <summary>The batch size from which a turn signs on every core (see <see cref="SignAllAsync"/>): at least 8 signatures a run.</summary>
    private const int ParallelSigningMinimum = 16;

    /// <summary>The oldest balance a send batch screens with (the poll refreshes it every PollInterval while anything is pending).</summary>
    private TimeSpan BalanceMaxAge => TimeSpan.FromTicks(Math.Max(_chain.Options.PollInterval.Ticks * 5, TimeSpan.FromSeconds(5).Ticks));

    public async Task<ImmutableArray<SendOutcome>> SubmitAsync(ImmutableArray<SendCommand> commands)
    {
        var ct = CancellationToken.None;
        var outcomes = new SendOutcome?[commands.Length];
        await ResolveIdempotencyAsync(commands, outcomes, ct);
        var fresh = Enumerable.Range(0, commands.Length).Where(i => outcomes[i] is null).ToList();
        if (fresh.Count == 0)
        {
            return [.. outcomes.Select(o => o!)];
        }

        // Everything the checks need from the chain, in one JSON-RPC batch: the pending nonce on the activation's
        // first send unless the activation's own read answered it (invariant 1, see SyncNonceAsync), the balance,
        // whether the recipients of plain transfers hold code (cached), and a gas estimate for every other send that
        // did not give a gas limit. A plain transfer to an address without code costs exactly 21,000 gas; estimating
        // it would only load the node.
        await TakeActivationReadingAsync();
        var quote = await _chain.Fees.GetQuoteAsync(ct);
        var checkedAt = _time.GetUtcNow();
        var batch = new RpcBatch();
        var nonceItem = _nonceSynced ? null : batch.Add(EthRequests.GetTransactionCount(_address, BlockParameter.Pending));
        // The balance only screens out sends the account obviously cannot pay; the node has the final word at
        // broadcast. While the account has pending transactions its poll reads the balance every interval, so a
        // send reads it here only when none was read for a while, or (below) before rejecting on an older one.
        var balanceItem = _balance is null || _time.GetUtcNow() - _balanceReadAt > BalanceMaxAge
            ? batch.Add(EthRequests.GetBalance(_address, BlockParameter.Latest))
            : null;
        var codeLookups = new Dictionary<Address, RpcBatchItem<byte[]>>();
        var knownGas = new Dictionary<int, ulong>();
        var estimates = new Dictionary<int, RpcBatchItem<ulong>>();
        foreach (var i in fresh)
        {
            var c = commands[i];
            if (c.GasLimit is null && c.Data.IsEmpty && c.To is { } to)
            {
                if (_chain.Code.TryGet(to, checkedAt, out var hasCode))
                {
                    if (!hasCode)
                    {
                        knownGas[i] = IntrinsicGas.Transaction;
                    }
                }
                else if (!codeLookups.ContainsKey(to))
                {
                    codeLookups[to] = batch.Add(EthRequests.GetCode(to, BlockParameter.Latest));
                }
            }
        }

        if (batch.Count > 0)
        {
            await _chain.Rpc.SendBatchAsync(batch, cancellationToken: ct);
        }

        if (nonceItem is not null)
        {
            // Throws the item's RpcException, as SyncNonceAsync would: no nonce is handed out unread.
            ApplyChainNonce(nonceItem.Value);
        }

        if (balanceItem is not null)
        {
            _balance = balanceItem.Value;
            _balanceReadAt = checkedAt;
        }
        foreach (var (to, item) in codeLookups)
        {
            if (item.TryGetValue(out var code))
            {
                _chain.Code.Set(to, code.Length > 0, checkedAt);
            }
        }

        var estimateBatch = new RpcBatch();
        foreach (var i in fresh)
        {
            var c = commands[i];
            if (c.GasLimit is not null || knownGas.ContainsKey(i))
            {
                continue;
            }

            if (c.Data.IsEmpty && c.To is { } to && _chain.Code.TryGet(to, checkedAt, out var hasCode) && !hasCode)
            {
                knownGas[i] = IntrinsicGas.Transaction;
                continue;
            }

            estimates[i] = estimateBatch.Add(EthRequests.EstimateGas(new RpcCallRequest
            {
                From = _address, To = c.To, Value = c.Value, Data = c.Data.ToArray(),
            }));
        }

        if (estimateBatch.Count > 0)
        {
            await _chain.Rpc.SendBatchAsync(estimateBatch, cancellationToken: ct);
        }

        // Invariant 8: a rejected send reserves nothing, so nonces are handed out only to accepted ones.
        var balanceReadNow = balanceItem is not null;
        var committedCost = _live.ReservedCost;
        var now = Now();
        var nextNonce = _account.NextNonce;
        var queueing = _live.QueuedCount > 0;
        var inFlight = _live.InFlightCount;
        var accepted = new List<AcceptedSend>();
        var acceptedByKey = new Dictionary<(string, string), int>();
        var repeats = new List<(int Index, int Earlier)>();
        foreach (var i in fresh)
        {
            var c = commands[i];
            if (c.IdempotencyKey is { } k && c.ApiKeyId is { } a && acceptedByKey.TryGetValue((a, k), out var earlier))
            {
                // Answered once the earlier send's record exists, below.
                repeats.Add((i, earlier));
                continue;
            }

            var rejection = Check(c);
            if (rejection is not null)
            {
                outcomes[i] = SendOutcome.Rejected(rejection);
                continue;
            }

            ulong gasLimit;
            if (c.GasLimit is { } given)
            {
                var intrinsic = IntrinsicGas.Of(c.To is null, c.Data.Span);
                if (given < intrinsic)
                {
                    // No node would ever accept it; rejected before a nonce is spent on it (invariant 8).
                    outcomes[i] = SendOutcome.Rejected(new WalletError(WalletErrorCodes.GasLimitTooLow,
                        $"gasLimit {given} is below the intrinsic gas {intrinsic} of this transaction."));
                    continue;
                }

                gasLimit = given;
            }
            else if (knownGas.TryGetValue(i, out var transferGas))
            {
                gasLimit = transferGas;
            }
            else if (estimates[i].TryGetValue(out var estimated))
            {
                gasLimit = estimated;
            }
            else
            {
                outcomes[i] = SendOutcome.Rejected(EstimationError(estimates[i].Error!));
                continue;
            }

            var (fees, feeError) = FeePolicy.ForNewTransaction(c, quote, _chain.Options);
            if (feeError is not null)
            {
                outcomes[i] = SendOutcome.Rejected(feeError);
                continue;
            }

            var cost = c.Value + (UInt256)gasLimit * fees!.PerGasCeiling;
            if (_balance!.Value < committedCost + cost && !balanceReadNow)
            {
                // Read before this turn: a deposit since may cover it; ask once before saying no.
                _balance = await _chain.Rpc.GetBalanceAsync(_address, BlockParameter.Latest, ct);
                _balanceReadAt = checkedAt;
                balanceReadNow = true;
            }

            if (_balance!.Value < committedCost + cost)
            {
                outcomes[i] = SendOutcome.Rejected(new WalletError(WalletErrorCodes.InsufficientFunds,
                    $"Balance {_balance} of {_address} on chain {_chain.ChainId} does not cover value + gasLimit × maxFee = {cost} on top of {committedCost} reserved by pending transactions."));
                continue;
            }

            var status = !queueing && inFlight < _chain.Options.MaxInFlight && _account.PausedReason is null ? TransactionStatus.Submitted : TransactionStatus.Queued;
            queueing |= status == TransactionStatus.Queued;
            inFlight += status == TransactionStatus.Submitted ? 1 : 0;
            if (c.IdempotencyKey is { } key && c.ApiKeyId is { } apiKeyId)
            {
                acceptedByKey[(apiKeyId, key)] = accepted.Count;
            }

            accepted.Add(new AcceptedSend(i, BuildTransaction(c, nextNonce, gasLimit, fees), fees, status));
            nextNonce++;
            committedCost += cost;
        }

        // Every nonce is decided; only the signatures are missing. A large batch is signed on all cores.
        var signed = await SignAllAsync(accepted, ct);
        var changes = new AccountChanges();
        var records = new WalletTransaction[accepted.Count];
        for (var n = 0; n < accepted.Count; n++)
        {
            var (i, tx, fees, status) = accepted[n];
            var c = commands[i];
            var attempt = new TransactionAttempt(0, TransactionAttempt.Original, signed[n].Hash, signed[n].Raw, fees.MaxFeePerGas, fees.MaxPriorityFeePerGas, fees.GasPrice,
                now, status == TransactionStatus.Submitted ? now : null);
            var record = new WalletTransaction(
                NewTransactionId(), _chain.ChainId, _address, c.To, c.Value, c.Data, tx.Nonce, tx.GasLimit,
                c.MaxFeePerGas, c.MaxPriorityFeePerGas, c.GasPrice, status, signed[n].Hash, [attempt], null, null, false,
                now, now, [new StatusChange(status, now, null)], c.ApiKeyId, c.IdempotencyKey, c.RequestHash);
            changes.Inserted.Add(record);
            if (status == TransactionStatus.Submitted)
            {
                changes.Event(WalletEventTypes.TransactionSubmitted, record);
                changes.ToBroadcast.Add(attempt);
                _lastBroadcast[record.Id] = now;
            }

            if (c.IdempotencyKey is { } key && c.ApiKeyId is { } apiKeyId)
            {
                changes.IdempotencyKeys.Add(new IdempotencyRecord(apiKeyId, key, c.RequestHash, record.Id, now));
            }

            records[n] = record;
            outcomes[i] = SendOutcome.Accepted(record);
        }

        foreach (var (i, earlier) in repeats)
        {
            var c = commands[i];
            outcomes[i] = records[earlier].RequestHash == c.RequestHash
                ? SendOutcome.Accepted(records[earlier], replayed: true)
                : IdempotencyConflict(c.IdempotencyKey!);
        }

        if (changes.Inserted.Count > 0)
        {
            // Invariant 2: nonces and signed attempts are durable before any byte is broadcast.
            var previousNext = _account.NextNonce;
            _account = _account with { NextNonce = nextNonce };
            try
            {
                await CommitChangesAsync(changes, ct);
            }
            catch (IdempotencyKeyTakenException)
            {
                // Another account's batch took one of these keys between our lookup and our write
                // (the same API key and Idempotency-Key for two senders). Nothing was written; redo
                // the batch, whose lookup now sees the winner.
                _account = _account with { NextNonce = previousNext };
                return await SubmitAsync(commands);
            }

            _live.AddRange(changes.Inserted);
            EnsurePolling();

            // The sends are durable: answer now, broadcast in the next turn (invariant 2 holds either way).
            QueueBroadcast(changes.ToBroadcast);
        }

        return [.. outcomes.Select(o => o!)];
    }

    /// <summary>
    /// Answers sends whose Idempotency-Key was used before (invariant 7). The batch's keys are looked up in one store
    /// read: one at a time, a burst of keyed sends to one account spent most of its turn on round trips.
    /// </summary>
    private async Task ResolveIdempotencyAsync(ImmutableArray<SendCommand> commands, SendOutcome?[] outcomes, CancellationToken ct)
    {
        var keys = new List<(string ApiKeyId, string Key)>();
        foreach (var c in commands)
        {
            if (c.IdempotencyKey is { } key && c.ApiKeyId is { } apiKeyId)
            {
                keys.Add((apiKeyId, key));
            }
        }

        if (keys.Count == 0)
        {
            return;
        }

        var used = (await _store.FindIdempotencyKeysAsync(keys, ct)).ToDictionary(r => (r.ApiKeyId, r.Key));
        for (var i = 0; i < commands.Length; i++)
        {
            var c = commands[i];
            if (c.IdempotencyKey is null || c.ApiKeyId is null || !used.TryGetValue((c.ApiKeyId, c.IdempotencyKey), out var existing))
            {
                continue;
            }

            if (existing.RequestHash != c.RequestHash)
            {
                outcomes[i] = IdempotencyConflict(c.IdempotencyKey);
                continue;
            }

            var tx = _live.TryGet(existing.TransactionId, out var live) ? live : await _store.GetTransactionAsync(existing.TransactionId, ct);
            outcomes[i] = tx is null
                ? SendOutcome.Rejected(new WalletError(WalletErrorCodes.NotFound, $"Idempotency key '{c.IdempotencyKey}' points at missing transaction '{existing.TransactionId}'."))
                : SendOutcome.Accepted(tx, replayed: true);
        }
    }

    private WalletError? Check(SendCommand c)
    {
        if (c.ChainId != _chain.ChainId || c.From != _address)
        {
            return new WalletError(WalletErrorCodes.InvalidRequest,
                $"Send for {c.ChainId}:{c.From} reached account grain {_chain.ChainId}:{_address}.");
        }

        return null;
    }

    private static SendOutcome IdempotencyConflict(string key) =>
        SendOutcome.Rejected(new WalletError(WalletErrorCodes.IdempotencyConflict,
            $"Idempotency-Key '{key}' was used before with a different request body."));

    private static WalletError EstimationError(RpcException error) => error.Kind switch
    {
        RpcErrorKind.ExecutionReverted => new WalletError(WalletErrorCodes.ExecutionReverted,
            $"Gas estimation reverted: {error.RpcMessage}",
            error.RevertData is { } data ? WalletGrains.Ethereum.Hex.HexConvert.ToHex(data) : null),
        RpcErrorKind.InsufficientFunds => new WalletError(WalletErrorCodes.InsufficientFunds, $"Gas estimation: {error.RpcMessage}"),
        RpcErrorKind.Timeout or RpcErrorKind.ServerUnavailable or RpcErrorKind.RateLimited =>
            new WalletError(WalletErrorCodes.ChainUnavailable, $"Gas estimation failed: {error.Message}"),
        _ => new WalletError(WalletErrorCodes.GasEstimationFailed, $"Gas estimation failed: {error.RpcMessage ?? error.Message}"),
    };

    private Transaction BuildTransaction(SendCommand c, ulong nonce, ulong gasLimit, TransactionFees fees) =>
        fees.GasPrice is { } gasPrice
            ? new LegacyTransaction
            {
                ChainId = _chain.ChainId, Nonce = nonce, GasLimit = gasLimit, To = c.To, Value = c.Value, Data = c.Data, GasPrice = gasPrice,
            }
            : new Eip1559Transaction
            {
                ChainId = _chain.ChainId, Nonce = nonce, GasLimit = gasLimit, To = c.To, Value = c.Value, Data = c.Data,
                MaxFeePerGas = fees.MaxFeePerGas!.Value, MaxPriorityFeePerGas = fees.MaxPriorityFeePerGas!.Value,
            };

    private async Task<SignedTransaction> SignAsync(Transaction tx, CancellationToken ct)
    {
        var signature = await _keys.SignHashAsync(_address, TransactionSigner.GetSigningHash(tx), ct);
        return TransactionSigner.Attach(tx, signature, _address);
    }

    /// <summary>
    /// Signs a batch's transactions, in order. From <see cref="ParallelSigningMinimum"/> transactions on, the batch is
    /// cut into one run per core and the runs after the first are signed on the thread pool while this turn signs the
    /// first. A signature is the largest single cost of a send (about a fifth of the silo's CPU per send in the send
    /// benchmark's profiles), and a burst to one account otherwise signed its batches on one core while the other waited
    /// for the turn. The runs touch no grain state (the key store is thread-safe); the turn resumes when all are done,
    /// and a failure fails the batch before anything is written.
    /// </summary>
    private async Task<SignedTransaction[]> SignAllAsync(List<AcceptedSend> batch, CancellationToken ct)
    {
        var signed = new SignedTransaction[batch.Count];
        // At least half the minimum per run, so a batch below the minimum (or a single core) makes one run.
        var runs = Math.Min(Environment.ProcessorCount, batch.Count / (ParallelSigningMinimum / 2));
        if (runs < 2)
        {
            await SignRunAsync(0, batch.Count);
            return signed;
        }

        var others = new Task[runs - 1];
        for (var r = 1; r < runs; r++)
        {
            var (from, to) = (batch.Count * r / runs, batch.Count * (r + 1) / runs);
            others[r - 1] = Task.Run(() => SignRunAsync(from, to), ct);
        }

        // Started here, it signs the first run on this thread before the await; all runs are awaited, so none fails unseen.
        var first = SignRunAsync(0, batch.Count / runs);
        await Task.WhenAll([first, .. others]);
        return signed;

        async Task SignRunAsync(int from, int to)
        {
            for (var n = from; n < to; n++)
            {
                signed[n] = await SignAsync(batch[n].Transaction, ct);
            }
        }
    }

    /// <summary>A send that passed its checks: its index in the batch, its transaction (nonce decided), fees and first status.</summary>
    private readonly record struct AcceptedSend(int Index, Transaction Transaction, TransactionFees Fees, string Status);
}
