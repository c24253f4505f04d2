using WalletGrains.Ethereum.Model;

namespace WalletGrains.Grains.Accounts;

/// <summary>
/// An account's live transactions, indexed for the questions its turns ask: by id, by attempt hash,
/// the queue and the sent ones in nonce order, and running totals (cost reserved, queued, in flight,
/// fee bumps). A busy account holds thousands of queued transactions, so no turn may walk all of
/// them: every change costs O(log n) and every total is read in O(1). The queued ones are held in
/// their compact form (<see cref="QueuedTransaction"/>) and rebuilt when a turn asks for them, so a
/// long queue costs the garbage collector less each time it copies the survivors.
/// </summary>
/// <remarks>
/// A transaction that turns terminal stays (with the sent ones) until <see cref="RemoveTerminal"/>
/// at the end of the turn, so a turn still finds what it just finished.
/// </remarks>
internal sealed class LiveSet
{
    private static readonly IComparer<WalletTransaction> ByNonce =
        Comparer<WalletTransaction>.Create(static (a, b) => CompareByNonce(a.Nonce, a.Id, b.Nonce, b.Id));

    private static readonly IComparer<WalletTransaction> ByAge = Comparer<WalletTransaction>.Create(static (a, b) =>
    {
        var byAge = a.CreatedAt.CompareTo(b.CreatedAt);
        return byAge != 0 ? byAge : string.CompareOrdinal(a.Id, b.Id);
    });

    private static readonly IComparer<QueuedTransaction> QueuedByNonce =
        Comparer<QueuedTransaction>.Create(static (a, b) => CompareByNonce(a.Nonce, a.Id, b.Nonce, b.Id));

    /// <summary>The live transactions that are not queued.</summary>
    private readonly Dictionary<string, WalletTransaction> _byId = new(StringComparer.Ordinal);

    /// <summary>The queued ones, in their compact form (<see cref="QueuedTransaction"/>).</summary>
    private readonly Dictionary<string, QueuedTransaction> _queuedById = new(StringComparer.Ordinal);
    private readonly Dictionary<Bytes32, string> _byAttempt = [];
    private readonly SortedSet<QueuedTransaction> _queued = new(QueuedByNonce);
    private readonly SortedSet<WalletTransaction> _sent = new(ByNonce);
    private readonly SortedSet<WalletTransaction> _inFlightByAge = new(ByAge);
    private readonly List<string> _terminal = [];
    private UInt256 _reservedCost;
    private int _bumps;

    public int Count => _byId.Count + _queuedById.Count;

    /// <summary>Queued transactions, lowest nonce first, each rebuilt as it is enumerated (take only what is needed).</summary>
    public IEnumerable<WalletTransaction> Queued => _queued.Select(static q => q.ToTransaction());

    /// <summary>The lowest queued nonce, if any transaction is queued.</summary>
    public ulong? LowestQueuedNonce => _queued.Count == 0 ? null : _queued.Min!.Nonce;

    /// <summary>Submitted and mined transactions (and ones finished in this turn), lowest nonce first.</summary>
    public IReadOnlyCollection<WalletTransaction> Sent => _sent;

    public int QueuedCount => _queued.Count;

    /// <summary>Submitted or mined: broadcast and not yet final.</summary>
    public int InFlightCount => _inFlightByAge.Count;

    /// <summary>value + gasLimit × fee ceiling of the newest attempt, summed over queued and submitted transactions.</summary>
    public UInt256 ReservedCost => _reservedCost;

    /// <summary>Fee-bump attempts over all live transactions.</summary>
    public int Bumps => _bumps;

    public DateTimeOffset? OldestInFlight => _inFlightByAge.Count == 0 ? null : _inFlightByAge.Min!.CreatedAt;

    /// <summary>The lowest-nonce transaction that still needs the balance: queued or submitted.</summary>
    public WalletTransaction? LowestUnmined
    {
        get
        {
            var lowest = _queued.Count == 0 ? null : _queued.Min;
            foreach (var t in _sent)
            {
                if (lowest is not null && t.Nonce >= lowest.Nonce)
                {
                    break;
                }

                if (t.Status == TransactionStatus.Submitted)
                {
                    return t;
                }
            }

            return lowest?.ToTransaction();
        }
    }

    /// <summary>The live transaction with this id (a queued one rebuilt: a new instance each time).</summary>
    public bool TryGet(string id, out WalletTransaction transaction)
    {
        if (_byId.TryGetValue(id, out transaction!))
        {
            return true;
        }

        if (_queuedById.TryGetValue(id, out var queued))
        {
            transaction = queued.ToTransaction();
            return true;
        }

        return false;
    }

    /// <summary>
    /// The sent transaction one of whose attempts has this hash. Queued ones are not indexed by hash: nothing of theirs
    /// was broadcast, so no node's answer names them, and a long queue's hash entries were a large part of what each
    /// collection copied.
    /// </summary>
    public bool TryGetByAttempt(Bytes32 hash, out WalletTransaction transaction)
    {
        transaction = null!;
        return _byAttempt.TryGetValue(hash, out var id) && _byId.TryGetValue(id, out transaction!);
    }

    public void Add(WalletTransaction transaction)
    {
        if (_byId.ContainsKey(transaction.Id) || _queuedById.ContainsKey(transaction.Id))
        {
            throw new InvalidOperationException($"Transaction '{transaction.Id}' is live already.");
        }

        Index(transaction);
    }

    public void AddRange(IEnumerable<WalletTransaction> transactions)
    {
        foreach (var t in transactions)
        {
            Add(t);
        }
    }

    /// <summary>Puts a newer version of a live transaction in place of the old one; unknown ids are ignored.</summary>
    public void Replace(WalletTransaction transaction)
    {
        if (_byId.TryGetValue(transaction.Id, out var old))
        {
            Unindex(old);
        }
        else if (_queuedById.TryGetValue(transaction.Id, out var queued))
        {
            Unindex(queued);
        }
        else
        {
            return;
        }

        Index(transaction);
    }

    /// <summary>Drops the transactions that reached a final state.</summary>
    public void RemoveTerminal()
    {
        foreach (var id in _terminal)
        {
            if (_byId.TryGetValue(id, out var t))
            {
                Unindex(t);
                foreach (var a in t.Attempts)
                {
                    _byAttempt.Remove(a.Hash);
                }
            }
        }

        _terminal.Clear();
    }

    private void Index(WalletTransaction t)
    {
        if (t.Status == TransactionStatus.Queued)
        {
            var queued = QueuedTransaction.From(t);
            _bumps += queued.Bumps;
            _reservedCost += queued.MaxCost;
            _queuedById.Add(t.Id, queued);
            _queued.Add(queued);
            return;
        }

        if (t.Status == TransactionStatus.Submitted)
        {
            _reservedCost += MaxCost(t);
        }

        if (t.Status is TransactionStatus.Submitted or TransactionStatus.Mined)
        {
            _inFlightByAge.Add(t);
        }

        foreach (var a in t.Attempts)
        {
            _byAttempt[a.Hash] = t.Id;
            _bumps += a.Kind == TransactionAttempt.Bump ? 1 : 0;
        }

        _byId.Add(t.Id, t);
        _sent.Add(t);
        if (t.IsTerminal)
        {
            _terminal.Add(t.Id);
        }
    }

    private void Unindex(WalletTransaction t)
    {
        foreach (var a in t.Attempts)
        {
            _bumps -= a.Kind == TransactionAttempt.Bump ? 1 : 0;
        }

        if (t.Status == TransactionStatus.Submitted)
        {
            _reservedCost -= MaxCost(t);
        }

        _inFlightByAge.Remove(t);
        _sent.Remove(t);
        _byId.Remove(t.Id);
    }

    private void Unindex(QueuedTransaction q)
    {
        _bumps -= q.Bumps;
        _reservedCost -= q.MaxCost;
        _queued.Remove(q);
        _queuedById.Remove(q.Id);
    }

    /// <summary>Nonce order, ties (a filler beside the transaction whose nonce it took) by id.</summary>
    private static int CompareByNonce(ulong nonceA, string idA, ulong nonceB, string idB)
    {
        var byNonce = nonceA.CompareTo(nonceB);
        return byNonce != 0 ? byNonce : string.CompareOrdinal(idA, idB);
    }

    /// <summary>The most a transaction can take from the balance: value + gasLimit × fee ceiling of its newest attempt.</summary>
    public static UInt256 MaxCost(WalletTransaction t)
    {
        var a = t.LatestAttempt;
        var perGas = a is null ? UInt256.Zero : a.MaxFeePerGas ?? a.GasPrice ?? UInt256.Zero;
        return t.Value + (UInt256)t.GasLimit * perGas;
    }
}
