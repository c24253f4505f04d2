using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using WalletGrains.Ethereum.Crypto;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Grains.Tests;

/// <summary>Collects every formatted log line (with level and event id) so tests can read what was logged.</summary>
public sealed class ListLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogLine> _lines = new();

    public IReadOnlyList<LogLine> Lines => [.. _lines];

    public ILoggerFactory CreateFactory() => LoggerFactory.Create(b => b.AddProvider(this).SetMinimumLevel(LogLevel.Trace));

    public ILogger CreateLogger(string categoryName) => new ListLogger(this, categoryName);

    public void Dispose()
    {
    }

    public sealed record LogLine(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception);

    private sealed class ListLogger(ListLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._lines.Enqueue(new LogLine(category, logLevel, eventId, formatter(state, exception), exception));
    }
}

/// <summary>Signature checks through an independent path: public-key recovery.</summary>
internal static class KeysRecovery
{
    /// <summary>The address whose key made <paramref name="signature"/> over <paramref name="hash"/>, or null.</summary>
    public static Address? Recover(Bytes32 hash, Signature signature)
    {
        var digest = hash.ToArray();
        Span<byte> compact = stackalloc byte[Signature.CompactLength];
        signature.WriteCompact(compact);
        Span<byte> publicKey = stackalloc byte[Secp256k1.UncompressedPublicKeyLength];
        return Secp256k1.TryRecover(digest, compact, signature.YParity, publicKey) ? Address.FromPublicKey(publicKey) : null;
    }

    public static Bytes32 RandomHash() => Bytes32.FromBytes(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
}
