using WalletGrains.Grains.Resources;

namespace WalletGrains.Api.Transactions;

/// <summary>A page of transactions, newest first; pass <see cref="NextCursor"/> as <c>cursor</c> for the next page (null at the end).</summary>
public sealed record TransactionPageResource(IReadOnlyList<TransactionResource> Items, string? NextCursor);
