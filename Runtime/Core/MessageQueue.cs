namespace WalletGrains.Runtime;

/// <summary>A growable ring buffer of messages; not thread-safe (the activation's lock guards it).</summary>
internal sealed class MessageQueue
{
    private Message?[] _items = new Message?[4];
    private int _head;

    public int Count { get; private set; }

    public Message Peek() => _items[_head]!;

    public Message this[int index] => _items[(_head + index) & (_items.Length - 1)]!;

    public void Enqueue(Message message)
    {
        if (Count == _items.Length)
        {
            Grow();
        }

        _items[(_head + Count) & (_items.Length - 1)] = message;
        Count++;
    }

    public Message Dequeue()
    {
        var message = _items[_head]!;
        _items[_head] = null;
        _head = (_head + 1) & (_items.Length - 1);
        Count--;
        return message;
    }

    /// <summary>Removes the message at a position, keeping the order of the others (used by queue-bypassing calls).</summary>
    public Message RemoveAt(int index)
    {
        var mask = _items.Length - 1;
        var message = _items[(_head + index) & mask]!;
        for (var i = index; i < Count - 1; i++)
        {
            _items[(_head + i) & mask] = _items[(_head + i + 1) & mask];
        }

        _items[(_head + Count - 1) & mask] = null;
        Count--;
        return message;
    }

    /// <summary>Takes every queued message out, in order.</summary>
    public List<Message> DrainAll()
    {
        var all = new List<Message>(Count);
        while (Count > 0)
        {
            all.Add(Dequeue());
        }

        return all;
    }

    private void Grow()
    {
        var larger = new Message?[_items.Length * 2];
        for (var i = 0; i < Count; i++)
        {
            larger[i] = _items[(_head + i) & (_items.Length - 1)];
        }

        _items = larger;
        _head = 0;
    }
}
