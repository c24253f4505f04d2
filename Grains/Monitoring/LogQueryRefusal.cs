using WalletGrains.Ethereum.Rpc;

namespace WalletGrains.Grains.Monitoring;

/// <summary>What a refused <c>eth_getLogs</c> asks the caller to do.</summary>
public enum LogQueryRefusalKind
{
    /// <summary>Not a refusal of the query's size: a real failure.</summary>
    None,

    /// <summary>The block range, the result count, the response size or the query time was too large: query fewer blocks.</summary>
    TooLarge,

    /// <summary>A topic position lists too many alternatives (or the request body is too large): query fewer addresses at once.</summary>
    TooManyAlternatives,
}

/// <summary>One wording of a refusal: a case-insensitive pattern, what it means, who says it and a message it matches.</summary>
public sealed record LogQueryRefusalPattern(string Pattern, LogQueryRefusalKind Kind, string Source, string Example);

/// <summary>
/// Recognises a node or provider refusing an <c>eth_getLogs</c> query because of its size, from the error's message
/// or data. The shared <see cref="RpcErrorClassifier"/> is about the send path (and maps the -32005 code these
/// refusals often carry to a rate limit); this table is about log queries only. A timeout of the call counts as
/// "too large" too: a query that takes too long is the same problem as one that returns too much.
/// </summary>
public static class LogQueryRefusal
{
    private static readonly MessagePatternTable<LogQueryRefusalPattern> Table = new(
    [
        new(@"exceed max addresses or topics per search position", LogQueryRefusalKind.TooManyAlternatives, "geth eth/filters (maxSubTopics 1000 or --rpc.logquerylimit); providers built on geth", "exceed max addresses or topics per search position"),
        new(@"query returned more than \d+ results", LogQueryRefusalKind.TooLarge, "infura (-32005, documented); geth-based providers; zkSync Era (-32602, with a suggested range)", "query returned more than 10000 results"),
        new(@"query timeout exceeded", LogQueryRefusalKind.TooLarge, "infura (-32005, documented)", "query timeout exceeded"),
        new(@"log response size exceeded", LogQueryRefusalKind.TooLarge, "alchemy (suggests a block range that should work)", "Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range and no limit on the response size, or you can request any block range with a cap of 10K logs in the response."),
        new(@"eth_getLogs requests with up to a \d+ block range", LogQueryRefusalKind.TooLarge, "alchemy free tier", "Under the Free tier plan, you can make eth_getLogs requests with up to a 10 block range."),
        new(@"exceed(s|ed)? max(imum)? block range", LogQueryRefusalKind.TooLarge, "geth --rpc.rangelimit (e.g. publicnode); reth QueryExceedsMaxBlocks (-32602)", "query exceeds max block range 100000"),
        new(@"query exceeds max results", LogQueryRefusalKind.TooLarge, "reth QueryExceedsMaxResults", "query exceeds max results 20000"),
        new(@"exceeds maximum RPC range limit", LogQueryRefusalKind.TooLarge, "besu EXCEEDS_RPC_MAX_BLOCK_RANGE (-32005)", "Requested range exceeds maximum RPC range limit"),
        new(@"range \d+ exceeds limit of \d+", LogQueryRefusalKind.TooLarge, "infura (-32602, observed on mainnet)", "range 1000000 exceeds limit of 10000"),
        new(@"is bigger than range limit", LogQueryRefusalKind.TooLarge, "tenderly (-32602, in data.payload)", "range 9009594 is bigger than range limit 2000"),
        new(@"eth_getLogs is limited to", LogQueryRefusalKind.TooLarge, "rpc.berachain.com (-32614); 1rpc (-32602, \"limited to 0 - 50 blocks range\")", "eth_getLogs is limited to a 10,000 range"),
        new(@"ranges over \d+ blocks are not supported", LogQueryRefusalKind.TooLarge, "drpc free tier (code 35)", "ranges over 10000 blocks are not supported on freetier"),
    ],
    static p => p.Pattern);

    /// <summary>The table, in matching order.</summary>
    public static IReadOnlyList<LogQueryRefusalPattern> Patterns => Table.Rows;

    /// <summary>How a failed log query should be retried, if at all.</summary>
    public static LogQueryRefusalKind Classify(RpcException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (error.Kind == RpcErrorKind.Timeout)
        {
            return LogQueryRefusalKind.TooLarge;
        }

        // HTTP 413 Content Too Large (RFC 9110 §15.5.14): the request body itself, i.e. the address lists, is too big.
        if (error.HttpStatus == 413)
        {
            return LogQueryRefusalKind.TooManyAlternatives;
        }

        return (FindRow(error.RpcMessage) ?? FindRow(error.ErrorData) ?? (error.RpcMessage is null ? FindRow(error.Message) : null))?.Kind
            ?? LogQueryRefusalKind.None;
    }

    /// <summary>The first row matching the text, or null.</summary>
    public static LogQueryRefusalPattern? FindRow(string? text) => Table.FindRow(text);
}
