using System.Collections.Immutable;
using System.Data.Common;
using System.Text.Json;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains.Storage;

namespace WalletGrains.Grains.Watches;

/// <summary>A watch in its stored form (sql/*/0003_watches_balances.sql): tokens as a JSON array of lower-case hex, times in ms.</summary>
internal sealed record WatchRow(long ChainId, string Address, string Tokens, long CreatedAtMs)
{
    public const string Columns = "chain_id, address, tokens, created_at_ms";

    /// <summary>The row of a watch; tokens keep their order, duplicates dropped (the store promises each token once).</summary>
    public static WatchRow Create(Watch watch)
    {
        ArgumentNullException.ThrowIfNull(watch);
        return new WatchRow(
            WalletColumns.ToInt64(watch.ChainId, "chain id"),
            watch.Address.ToLowerHex(),
            EncodeTokens(watch.Tokens),
            watch.CreatedAt.ToUnixTimeMilliseconds());
    }

    /// <summary>Reads the four <see cref="Columns"/> in order.</summary>
    public static WatchRow Read(DbDataReader reader) => new(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3));

    public static string EncodeTokens(ImmutableArray<Address> tokens) =>
        JsonSerializer.Serialize(Distinct(tokens).Select(t => t.ToLowerHex()).ToArray());

    /// <summary>Each token once, in first-seen order.</summary>
    public static ImmutableArray<Address> Distinct(ImmutableArray<Address> tokens)
    {
        if (tokens.IsDefaultOrEmpty)
        {
            return [];
        }

        var seen = new HashSet<Address>();
        var builder = ImmutableArray.CreateBuilder<Address>(tokens.Length);
        foreach (var token in tokens)
        {
            if (seen.Add(token))
            {
                builder.Add(token);
            }
        }

        return builder.DrainToImmutable();
    }

    public Watch ToWatch()
    {
        var tokens = JsonSerializer.Deserialize<string[]>(Tokens)
            ?? throw new InvalidDataException($"The watch of {Address} on chain {ChainId} has tokens 'null'.");
        return new Watch(
            (ulong)ChainId,
            Ethereum.Model.Address.Parse(Address),
            [.. tokens.Select(Ethereum.Model.Address.Parse)],
            DateTimeOffset.FromUnixTimeMilliseconds(CreatedAtMs));
    }
}
