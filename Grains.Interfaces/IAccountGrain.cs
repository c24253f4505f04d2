using System.Collections.Immutable;
using WalletGrains.Runtime;

namespace WalletGrains.Grains;

/// <summary>
/// One custodied account on one chain, keyed <c>"{chainId}:{address}"</c> (address lower-case hex).
/// Owns the nonce counter and the pending set; not reentrant, so every mutation is one turn
/// (DESIGN.md §4, invariants 1, 2, 7, 8).
/// </summary>
public interface IAccountGrain : IGrainWithStringKey
{
    /// <summary>
    /// Accepts a batch of sends in one turn and one durable write: checks, idempotency, nonces,
    /// signatures, then broadcast of those that fit the in-flight limit. Outcomes are in input order.
    /// </summary>
    Task<ImmutableArray<SendOutcome>> SubmitAsync(ImmutableArray<SendCommand> commands);

    /// <summary>The account's counters and pending set.</summary>
    [ReadOnly]
    Task<AccountView> GetAsync();

    /// <summary>One pass of the confirmation loop now (the reminder and timer call the same code).</summary>
    Task PollAsync();

    /// <summary>Requests a cancel of one of this account's transactions (lifecycle issue).</summary>
    Task<SendOutcome> CancelAsync(string transactionId);
}

/// <summary>Builds grain keys the one agreed way.</summary>
public static class GrainKeys
{
    /// <summary><c>"{chainId}:{address}"</c> with the address in lower-case hex.</summary>
    public static string Account(ulong chainId, WalletGrains.Ethereum.Model.Address address) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{chainId}:{address.ToLowerHex()}");
}
