using System.Text.Json.Nodes;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains;
using WalletGrains.Grains.Storage;

namespace WalletGrains.Monitor.Tests;

/// <summary>An activity event as read back from the event log.</summary>
public sealed record SeenEvent(long Id, string Type, bool Removed, JsonObject Data)
{
    public string Key => (string)Data["key"]!;

    public string TxHash => (string)Data["txHash"]!;

    /// <summary>True when the event names <paramref name="address"/> as a party (from/to, owner/spender).</summary>
    public bool Involves(Address address)
    {
        var text = address.ToChecksumString();
        return new[] { "from", "to", "owner", "spender" }.Any(f => (string?)Data[f] == text);
    }
}

/// <summary>Reads the event log the way a consumer would: every event in id order, filtered, with a deadline for the awaited ones.</summary>
public sealed class EventLog(IWalletStore store)
{
    public async Task<List<SeenEvent>> ReadAsync(Address involving)
    {
        var all = new List<SeenEvent>();
        long after = 0;
        while (true)
        {
            var page = await store.ReadEventsAsync(after, 1000);
            foreach (var e in page.Where(e => e.Type is WalletEventTypes.TransferIncoming or WalletEventTypes.TransferOutgoing or WalletEventTypes.Approval))
            {
                all.Add(new SeenEvent(e.Id, e.Type, e.Removed, JsonNode.Parse(e.Data)!.AsObject()));
            }

            if (page.Count < 1000)
            {
                return [.. all.Where(e => e.Involves(involving))];
            }

            after = page[^1].Id;
        }
    }

    /// <summary>Reads until <paramref name="done"/> holds for the events involving the address, or fails at the deadline.</summary>
    public async Task<List<SeenEvent>> WaitAsync(Address involving, Func<List<SeenEvent>, bool> done, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var events = await ReadAsync(involving);
            if (done(events))
            {
                return events;
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Events of {involving} never met the condition; saw {events.Count}: {string.Join(" | ", events.Select(e => $"{e.Type} removed={e.Removed} {e.Data.ToJsonString()}"))}");
            }

            await Task.Delay(25);
        }
    }
}
