using System.ComponentModel;
using System.Text.Json;

namespace WalletGrains.Api.Events;

/// <summary>An event of the log as OpenAPI documents it (the handlers write it with <see cref="Grains.Delivery.WalletEventJson"/>).</summary>
public sealed record EventResource(
    [property: Description("Increasing id; resume after it (GET /v1/events?after=, Last-Event-ID) and deduplicate by it.")] long Id,
    [property: Description("transaction.submitted|fee_bumped|mined|confirmed|failed|cancelled, transfer.incoming|outgoing, approval, balance.changed.")] string Type,
    DateTimeOffset CreatedAt,
    ulong ChainId,
    [property: Description("True when a reorg dropped what an earlier event with the same data reported.")] bool Removed,
    [property: Description("The event's payload (DESIGN.md §6): the Transaction resource for transaction.*, else the transfer, approval or balance change.")] JsonElement Data);

/// <summary>A page of the event log.</summary>
public sealed record EventPageResource(
    IReadOnlyList<EventResource> Items,
    [property: Description("Pass as 'after' to continue: the id of the last event read (returned or skipped by 'types'); equals 'after' when there is nothing newer yet.")] long Next);
