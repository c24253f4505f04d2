using System.Buffers.Binary;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Grains.Accounts;

/// <summary>
/// An account's live transactions, indexed for the questions its turns ask: by id, by attempt hash,
/// the queue and the sent ones in nonce order, and running totals (cost reserved, queued, in flight,
/// fee bumps). A busy account holds thousands of queued transactions, so no turn may walk all of
/// them: a change costs O(log n) (or a memory move of the queue's entries above it, when a queued
/// transaction leaves from neither end) and every total is read in O(1). The queued ones are held in
/// their compact form (<see cref="QueuedTransaction"/>) and rebuilt when a turn asks for them, and
/// the queue's indexes make no object per transaction, so a long queue gives the frequent garbage
/// collections nothing to mark or copy.
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

    /// <summary>The live transactions that are not queued.</summary>
    private readonly Dictionary<string, WalletTransaction> _byId = new(StringComparer.Ordinal);

    /// <summary>
    /// The queued ones, in their compact form (<see cref="QueuedTransaction"/>), by id and in nonce order; neither index
    /// makes an object per transaction (ids of the send path's form are keyed by value, see <see cref="QueueKey"/>).
    /// </summary>
    private readonly Dictionary<QueueKey, QueuedTransaction> _queuedById = [];
    private readonly QueueOrder _queued = new();
    private readonly Dictionary<Bytes32, string> _byAttempt = [];
    private readonly SortedSet<WalletTransaction> _sent = new(ByNonce);
    private readonly SortedSet<WalletTransaction> _inFlightByAge = new(ByAge);
    private readonly List<string> _terminal = [];
    private UInt256 _reservedCost;
    private int _bumps;

    public int Count => _byId.Count + _queuedById.Count;

    /// <summary>Queued transactions, lowest nonce first, each rebuilt as it is enumerated (take only what is needed).</summary>
    public IEnumerable<WalletTransaction> Queued => _queued.InOrder().Select(static q => q.ToTransaction());

    /// <summary>The lowest queued nonce, if any transaction is queued.</summary>
    public ulong? LowestQueuedNonce => _queued.Count == 0 ? null : _queued.Min.Nonce;

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
            QueuedTransaction? lowest = _queued.Count == 0 ? null : _queued.Min;
            foreach (var t in _sent)
            {
                if (lowest is { } queued && t.Nonce >= queued.Nonce)
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

        if (_queuedById.TryGetValue(QueueKey.Of(id), out var queued))
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
        if (_byId.ContainsKey(transaction.Id) || _queuedById.ContainsKey(QueueKey.Of(transaction.Id)))
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
        else if (QueueKey.Of(transaction.Id) is var key && _queuedById.TryGetValue(key, out var queued))
        {
            Unindex(key, queued);
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
            _queuedById.Add(QueueKey.Of(t.Id), queued);
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

    private void Unindex(QueueKey key, QueuedTransaction q)
    {
        _bumps -= q.Bumps;
        _reservedCost -= q.MaxCost;
        _queued.Remove(q);
        _queuedById.Remove(key);
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

    /// <summary>
    /// A live id as a dictionary key: the send path's ids ("tx_" and 32 lower-case hex digits) by value, so a queue of
    /// thousands keeps no string per transaction; any other id by its string.
    /// </summary>
    private readonly record struct QueueKey(ulong High, ulong Low, string? Other)
    {
        public static QueueKey Of(string id)
        {
            Span<byte> value = stackalloc byte[16];
            return id.Length == 35 && id.StartsWith("tx_", StringComparison.Ordinal) && QueuedTransaction.TryParseLowerHex(id.AsSpan(3), value)
                ? new QueueKey(BinaryPrimitives.ReadUInt64BigEndian(value), BinaryPrimitives.ReadUInt64BigEndian(value[8..]), null)
                : new QueueKey(0, 0, id);
        }
    }

    /// <summary>
    /// The queued transactions in nonce order (ties by id) in one array. Sends join above the highest nonce and leave
    /// from the lowest, both O(1) (the array's front is skipped, not shifted); anything else shifts the entries between.
    /// </summary>
    private sealed class QueueOrder
    {
        private QueuedTransaction[] _items = [];
        private int _head;
        private int _count;
        private int _version;

        public int Count => _count;

        public QueuedTransaction Min => _count > 0 ? _items[_head] : throw new InvalidOperationException("The queue is empty.");

        public void Add(QueuedTransaction queued)
        {
            var at = LowerBound(queued);
            if (_head + _count == _items.Length)
            {
                MakeRoom();
            }

            Array.Copy(_items, _head + at, _items, _head + at + 1, _count - at);
            _items[_head + at] = queued;
            _count++;
            _version++;
        }

        public void Remove(QueuedTransaction queued)
        {
            var at = LowerBound(queued);
            if (at == _count || !_items[_head + at].IsSame(queued))
            {
                throw new InvalidOperationException("The transaction is not in the queue.");
            }

            if (at == 0)
            {
                _items[_head] = default;
                _head++;
            }
            else
            {
                Array.Copy(_items, _head + at + 1, _items, _head + at, _count - at - 1);
                _items[_head + _count - 1] = default;
            }

            _count--;
            _version++;
            if (_count == 0)
            {
                _head = 0;
            }
        }

        /// <summary>In order; changing the queue while enumerating fails, as a sorted set's enumerator does.</summary>
        public IEnumerable<QueuedTransaction> InOrder()
        {
            var version = _version;
            for (var i = 0; i < _count; i++)
            {
                if (version != _version)
                {
                    throw new InvalidOperationException("The queue changed while it was enumerated.");
                }

                yield return _items[_head + i];
            }
        }

        /// <summary>The position (from the head) of the first entry not below <paramref name="queued"/>.</summary>
        private int LowerBound(QueuedTransaction queued)
        {
            // Most adds go above the last entry.
            if (_count == 0 || QueuedTransaction.Compare(_items[_head + _count - 1], queued) < 0)
            {
                return _count;
            }

            var (low, high) = (0, _count);
            while (low < high)
            {
                var mid = (low + high) >>> 1;
                if (QueuedTransaction.Compare(_items[_head + mid], queued) < 0)
                {
                    low = mid + 1;
                }
                else
                {
                    high = mid;
                }
            }

            return low;
        }

        /// <summary>Room for one more at the end: the skipped front reused when it is at least half, else a larger array.</summary>
        private void MakeRoom()
        {
            var target = _head >= _items.Length / 2 && _head > 0 ? _items : new QueuedTransaction[Math.Max(16, _items.Length * 2)];
            Array.Copy(_items, _head, target, 0, _count);
            if (ReferenceEquals(target, _items))
            {
                Array.Clear(_items, _count, _items.Length - _count);
            }

            _items = target;
            _head = 0;
        }
    }
}
