using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using WalletGrains.Ethereum.Keys;
using WalletGrains.Ethereum.Model;
using WalletGrains.Testing;

namespace WalletGrains.Integration.Tests;

/// <summary>
/// A real anvil (one block a second), funded accounts of a fresh random mnemonic and fresh storage
/// (a SQLite file or a new PostgreSQL database) for the crash tests; the silo itself is a child
/// process the test starts, kills and starts again on this storage.
/// </summary>
public abstract class CrashFixture : IAsyncLifetime
{
    public const string AdminKey = "wg_crash_test_admin_key_0123456789abcdef";

    private const int AccountCount = 4;

    private TestStorage? _storage;

    protected abstract StorageKind Kind { get; }

    public AnvilProcess Anvil { get; private set; } = null!;

    public IReadOnlyList<Address> Accounts { get; private set; } = [];

    /// <summary>The silo's configuration in environment-variable form (DESIGN.md §7); holds the mnemonic, so never print it.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; private set; } = new Dictionary<string, string>();

    public async ValueTask InitializeAsync()
    {
        Anvil = await AnvilProcess.StartAsync(new AnvilOptions { BlockTimeSeconds = 1 });
        var mnemonic = Bip39Mnemonic.Generate(12);
        Accounts = [.. Bip44.DeriveEthereumAccounts(mnemonic, AccountCount).Select(a => { using (a) { return a.Address; } })];
        foreach (var account in Accounts)
        {
            await Anvil.RequestAsync("anvil_setBalance", account.ToLowerHex(), "0x" + (Wei.WeiPerEther * 1000UL).ToBigInteger().ToString("x", CultureInfo.InvariantCulture));
        }

        _storage = await TestStorage.CreateAsync(Kind, "crash");
        var (provider, connectionString) = (_storage.Provider, _storage.ConnectionString);
        Environment = new Dictionary<string, string>
        {
            ["Wallet__Storage__Provider"] = provider,
            ["Wallet__Storage__ConnectionString"] = connectionString,
            ["Wallet__Chains__0__ChainId"] = Anvil.ChainId.ToString(CultureInfo.InvariantCulture),
            ["Wallet__Chains__0__Name"] = "anvil",
            ["Wallet__Chains__0__RpcUrls__0"] = Anvil.RpcUrl.ToString(),
            ["Wallet__Chains__0__PollInterval"] = "00:00:00.200",
            ["Wallet__Chains__0__MaxInFlight"] = "64",

            // No legitimate fee bump inside the run, so any second attempt of a transaction is a re-signature.
            ["Wallet__Chains__0__BumpAfter"] = "00:10:00",
            ["Wallet__Signers__Mnemonic"] = mnemonic.Phrase,
            ["Wallet__Signers__MnemonicCount"] = AccountCount.ToString(CultureInfo.InvariantCulture),
            ["Wallet__Auth__AdminApiKey"] = AdminKey,
            ["Wallet__DevChain__Enabled"] = "false",
            ["ASPNETCORE_ENVIRONMENT"] = "Testing",
            ["Logging__LogLevel__Default"] = "Warning",
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (Anvil is not null)
        {
            await Anvil.DisposeAsync();
        }

        if (_storage is not null)
        {
            await _storage.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteCrashFixture : CrashFixture
{
    protected override StorageKind Kind => StorageKind.Sqlite;
}

public sealed class PostgresCrashFixture : CrashFixture
{
    protected override StorageKind Kind => StorageKind.Postgres;
}

/// <summary>
/// Crash safety with a real process: the silo executable is SIGKILLed several times while a client
/// sends 500 transactions from one account and retries every failed request with the same
/// Idempotency-Key. Every accepted send must end confirmed exactly once, at contiguous nonces, with
/// no second transaction signed for any nonce (invariants 1, 2, 4 and 7).
/// </summary>
public abstract class CrashTests<TFixture>(TFixture fixture) where TFixture : CrashFixture
{
    private const int Sends = 500;
    private const int ClientConcurrency = 32;
    private const int KillsWhileSending = 3;

    /// <summary>Fixed so a failing schedule can be replayed; the kill moments are logged with it.</summary>
    private const int KillSeed = 4_20_2026;

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan SendPhaseDeadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ConfirmDeadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(100);

    private readonly ConcurrentQueue<string> _log = new();
    private readonly Stopwatch _clock = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_accepted_send_confirms_exactly_once_across_repeated_SIGKILLs()
    {
        var from = fixture.Accounts[0];
        var to = fixture.Accounts[^1];
        var chainId = fixture.Anvil.ChainId;
        var baseNonce = await ChainNonceAsync(from, "pending");
        var runId = Guid.NewGuid().ToString("N")[..12];

        _clock.Start();
        await using var silo = await SiloProcess.StartAsync(fixture.Environment, cancellationToken: Ct);
        Log($"silo run 1 live on port {silo.Port}; base nonce {baseNonce}; kill seed {KillSeed}");
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CrashFixture.AdminKey);

        var succeeded = false;
        try
        {
            var sends = Enumerable.Range(0, Sends).Select(i => new PlannedSend(
                $"crash-{runId}-{i:D3}",
                (1000 + i).ToString(CultureInfo.InvariantCulture),
                $"{{\"chainId\":{chainId},\"from\":\"{from.ToChecksumString()}\",\"to\":\"{to.ToChecksumString()}\",\"value\":\"{1000 + i}\",\"data\":\"0x\"}}")).ToList();
            var accepted = new ConcurrentDictionary<string, AcceptedSend>();
            var stats = new ClientStats();

            // The client and the killer run together; the killer's schedule follows the client's progress.
            // Whichever fails first stops the other, so the failure surfaces at once.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            async Task StopOthersOnFailure(Func<Task> run)
            {
                try
                {
                    await run();
                }
                catch
                {
                    await stop.CancelAsync();
                    throw;
                }
            }

            var client = StopOthersOnFailure(() => Parallel.ForEachAsync(
                sends,
                new ParallelOptions { MaxDegreeOfParallelism = ClientConcurrency, CancellationToken = stop.Token },
                async (send, ct) => accepted[send.Key] = await SendUntilAcceptedAsync(http, silo, send, stats, ct)));
            var killer = StopOthersOnFailure(() => KillDuringRunAsync(silo, from, baseNonce, () => accepted.Count, client, stop.Token));
            await Task.WhenAll(client, killer);

            Log($"all {Sends} sends accepted: {stats.Attempts} requests, {stats.Transient} transient failures, {stats.Replayed} answered as replays");

            // Every key got its own transaction.
            Assert.Equal(Sends, accepted.Count);
            var ids = sends.Select(s => accepted[s.Key].Id).ToList();
            Assert.Equal(Sends, ids.Distinct().Count());

            var final = await WaitUntilConfirmedAsync(http, silo, ids);
            var nonces = final.Select(t => (ulong)t["nonce"]!).Order().ToList();
            Assert.Equal(Enumerable.Range(0, Sends).Select(i => baseNonce + (ulong)i), nonces);

            // One signature per transaction: with fee bumps far away, a second attempt would be a second transaction for its nonce.
            var resigned = final.Where(t => t["attempts"]!.AsArray().Count != 1).ToList();
            Assert.True(resigned.Count == 0, $"{resigned.Count} transactions carry more than one signed attempt, e.g. {resigned.FirstOrDefault()?.ToJsonString()}");

            // The chain agrees: exactly these transactions of the account, each at its nonce with its value.
            Assert.Equal(baseNonce + Sends, await ChainNonceAsync(from, "latest"));
            Assert.Equal(baseNonce + Sends, await ChainNonceAsync(from, "pending"));
            for (var i = 0; i < Sends; i++)
            {
                var tx = final[i];
                var hash = (string)tx["hash"]!;
                var onChain = await fixture.Anvil.RequestAsync("eth_getTransactionByHash", hash)
                    ?? throw new Xunit.Sdk.XunitException($"{sends[i].Key} → {ids[i]}: hash {hash} is unknown to the chain.");
                Assert.NotNull(onChain["blockNumber"]);
                Assert.Equal(from, Address.Parse((string)onChain["from"]!));
                Assert.Equal((ulong)tx["nonce"]!, HexQuantity(onChain["nonce"]));
                Assert.Equal(UInt256.Parse(sends[i].Value), UInt256.Parse((string)onChain["value"]!));
                Assert.Equal("success", (string)tx["receipt"]!["status"]!);
                Assert.Equal(hash, (string)tx["attempts"]![0]!["hash"]!);
            }

            // Storage holds no other transaction of the account (a duplicate that never reached the chain included).
            var listed = await ListAllIdsAsync(http, silo, chainId, from);
            Assert.Equal(ids.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));

            // A client that never saw its answers retries once more: the same transaction, marked as a replay.
            await Parallel.ForEachAsync(sends, new ParallelOptions { MaxDegreeOfParallelism = ClientConcurrency, CancellationToken = Ct }, async (send, ct) =>
            {
                using var response = await PostAsync(http, silo, send, ct);
                var text = await response.Content.ReadAsStringAsync(ct);
                Assert.True((int)response.StatusCode == 202, $"replay of {send.Key}: {(int)response.StatusCode} {text}");
                Assert.Equal(accepted[send.Key].Id, (string)JsonNode.Parse(text)!["id"]!);
                Assert.True(response.Headers.TryGetValues("Idempotent-Replayed", out var replayed) && replayed.Contains("true"), $"replay of {send.Key} not marked as replayed");
            });
            Assert.Equal(listed.Count, (await ListAllIdsAsync(http, silo, chainId, from)).Count);
            succeeded = true;
        }
        finally
        {
            var output = TestContext.Current.TestOutputHelper;
            output?.WriteLine(string.Join('\n', _log));
            if (!succeeded)
            {
                output?.WriteLine("--- silo output ---\n" + silo.Output);
            }
        }
    }

    /// <summary>
    /// SIGKILLs the silo <see cref="KillsWhileSending"/> times at seeded random points of the client's
    /// progress (plus a little jitter), then once more while the accepted transactions are still being
    /// broadcast and mined, restarting it at once after each kill. At the second and the last kill the
    /// node's pool is emptied too, so the restarted silo must re-broadcast from storage.
    /// </summary>
    private async Task KillDuringRunAsync(SiloProcess silo, Address from, ulong baseNonce, Func<int> acceptedCount, Task client, CancellationToken ct)
    {
        var random = new Random(KillSeed);
        // One kill point in each of KillsWhileSending equal stretches of the run, so the kills spread over it.
        var stretch = (Sends - 50) / KillsWhileSending;
        var thresholds = Enumerable.Range(0, KillsWhileSending).Select(k => 25 + (k * stretch) + random.Next(stretch)).ToList();
        var jitters = thresholds.Select(_ => TimeSpan.FromMilliseconds(random.Next(0, 300))).ToList();
        var lastDelay = TimeSpan.FromMilliseconds(random.Next(200, 1500));
        Log($"kill plan: after {string.Join(", ", thresholds.Zip(jitters, (t, j) => $"{t} accepted +{j.TotalMilliseconds} ms"))}; then {lastDelay.TotalMilliseconds} ms after the last acceptance");

        var until = DateTime.UtcNow + SendPhaseDeadline;
        for (var k = 0; k < thresholds.Count; k++)
        {
            // Polls the client's progress, an observable condition, until the threshold or the deadline.
            while (acceptedCount() < thresholds[k] && !client.IsCompleted)
            {
                Assert.True(DateTime.UtcNow < until, $"kill {k + 1}: only {acceptedCount()} of {Sends} sends accepted after {SendPhaseDeadline}");
                await Task.Delay(10, ct);
            }

            // Deliberate randomness of the kill moment, not synchronisation.
            await Task.Delay(jitters[k], ct);
            await KillAndRestartAsync(silo, from, baseNonce, $"kill {k + 1} (threshold {thresholds[k]})", acceptedCount(), dropPool: k == 1, ct);
        }

        await client.WaitAsync(ct);
        Log($"client: all {acceptedCount()} sends accepted");
        await Task.Delay(lastDelay, ct);
        await KillAndRestartAsync(silo, from, baseNonce, $"kill {thresholds.Count + 1} (while confirming)", acceptedCount(), dropPool: true, ct);

        // No client call wakes the account now: note how long the restarted silo takes to send from storage again.
        var restarted = _clock.Elapsed;
        var seenBefore = await ChainNonceAsync(from, "pending");
        var recoveryDeadline = restarted + TimeSpan.FromSeconds(20);
        while (await ChainNonceAsync(from, "pending") == seenBefore && seenBefore < baseNonce + Sends && _clock.Elapsed < recoveryDeadline)
        {
            await Task.Delay(50, ct);
        }

        Log($"after the last restart the node's pending nonce first moved {(_clock.Elapsed - restarted).TotalSeconds:F2} s later (from {seenBefore - baseNonce} to {await ChainNonceAsync(from, "pending") - baseNonce})");
    }

    /// <summary>
    /// Kills and restarts the silo. With <paramref name="dropPool"/> the node also forgets every
    /// pending transaction while the silo is down, so only the stored attempts can bring them back.
    /// </summary>
    private async Task KillAndRestartAsync(SiloProcess silo, Address from, ulong baseNonce, string label, int accepted, bool dropPool, CancellationToken ct)
    {
        var pid = silo.ProcessId;
        silo.Kill();
        var mined = await ChainNonceAsync(from, "latest") - baseNonce;
        var pooled = await ChainNonceAsync(from, "pending") - baseNonce - mined;
        if (dropPool)
        {
            await fixture.Anvil.RequestAsync("anvil_dropAllTransactions");
        }

        Log($"{label}: SIGKILL pid {pid} (run {silo.Generation}) with {accepted} accepted, {mined} mined, {pooled} more in the node's pool{(dropPool ? " (pool dropped)" : "")}");
        await silo.StartAgainAsync(ct);
        Log($"{label}: run {silo.Generation} live on port {silo.Port}");
    }

    /// <summary>
    /// POSTs one send until it is accepted, retrying connection errors, timeouts, 429 and 5xx with the
    /// same Idempotency-Key and body; any other answer fails the test.
    /// </summary>
    private static async Task<AcceptedSend> SendUntilAcceptedAsync(HttpClient http, SiloProcess silo, PlannedSend send, ClientStats stats, CancellationToken ct)
    {
        var until = DateTime.UtcNow + SendPhaseDeadline;
        string? last = null;
        while (true)
        {
            Interlocked.Increment(ref stats.Attempts);
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(RequestTimeout);
                using var response = await PostAsync(http, silo, send, timeout.Token);
                var text = await response.Content.ReadAsStringAsync(timeout.Token);
                var status = (int)response.StatusCode;
                if (status == 202)
                {
                    var body = JsonNode.Parse(text)!;
                    if (response.Headers.TryGetValues("Idempotent-Replayed", out var replayed) && replayed.Contains("true"))
                    {
                        Interlocked.Increment(ref stats.Replayed);
                    }

                    return new AcceptedSend((string)body["id"]!, (ulong)body["nonce"]!);
                }

                if (status != 429 && status < 500)
                {
                    throw new Xunit.Sdk.XunitException($"{send.Key}: {status} {text}");
                }

                last = $"{status} {text}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                last = $"no answer within {RequestTimeout}";
            }

            Interlocked.Increment(ref stats.Transient);
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"{send.Key} not accepted within {SendPhaseDeadline}; last: {last}");
            }

            // Polls for the silo to answer again (it is being restarted) until the deadline.
            await Task.Delay(RetryPause, ct);
        }
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, SiloProcess silo, PlannedSend send, CancellationToken ct)
    {
        // The silo's address is read per request: a restart may have moved it to another port.
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(silo.BaseUrl, "v1/transactions"))
        {
            Content = new StringContent(send.Body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", send.Key);
        return await http.SendAsync(request, ct);
    }

    /// <summary>Polls GET /v1/transactions/{id} until all are confirmed; any other terminal status fails at once.</summary>
    private async Task<List<JsonNode>> WaitUntilConfirmedAsync(HttpClient http, SiloProcess silo, List<string> ids)
    {
        var until = DateTime.UtcNow + ConfirmDeadline;
        var results = new JsonNode[ids.Count];
        var remaining = Enumerable.Range(0, ids.Count).ToList();
        while (true)
        {
            var still = new List<int>();
            foreach (var i in remaining)
            {
                var tx = await GetJsonAsync(http, silo, $"v1/transactions/{ids[i]}");
                results[i] = tx;
                var status = (string)tx["status"]!;
                Assert.True(status is not ("failed" or "cancelled"), $"{ids[i]} ended {status}: {tx.ToJsonString()}");
                if (status != "confirmed")
                {
                    still.Add(i);
                }
            }

            remaining = still;
            if (remaining.Count == 0)
            {
                Log($"all {ids.Count} confirmed");
                return [.. results];
            }

            if (DateTime.UtcNow > until)
            {
                var byStatus = string.Join(", ", remaining.GroupBy(i => (string)results[i]["status"]!).Select(g => $"{g.Count()} {g.Key}"));
                var sample = results[remaining.MinBy(i => (ulong)results[i]["nonce"]!)];
                throw new TimeoutException($"{remaining.Count} of {ids.Count} not confirmed after {ConfirmDeadline} ({byStatus}); lowest nonce: {sample.ToJsonString()}");
            }

            // Polls the observable condition (statuses) until the deadline.
            await Task.Delay(250, Ct);
        }
    }

    private static async Task<List<string>> ListAllIdsAsync(HttpClient http, SiloProcess silo, ulong chainId, Address from)
    {
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var path = $"v1/transactions?chainId={chainId}&from={from.ToChecksumString()}&limit=200"
                + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
            var page = await GetJsonAsync(http, silo, path);
            ids.AddRange(page["items"]!.AsArray().Select(t => (string)t!["id"]!));
            cursor = (string?)page["nextCursor"];
        }
        while (cursor is not null);
        return ids;
    }

    private static async Task<JsonNode> GetJsonAsync(HttpClient http, SiloProcess silo, string path)
    {
        using var response = await http.GetAsync(new Uri(silo.BaseUrl, path), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return response.IsSuccessStatusCode
            ? JsonNode.Parse(text)!
            : throw new HttpRequestException($"GET {path}: {(int)response.StatusCode} {text}");
    }

    private async Task<ulong> ChainNonceAsync(Address address, string block) =>
        HexQuantity(await fixture.Anvil.RequestAsync("eth_getTransactionCount", address.ToLowerHex(), block));

    private static ulong HexQuantity(JsonNode? quantity) =>
        ulong.Parse(((string)quantity!)[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private void Log(string line) =>
        _log.Enqueue($"[{_clock.Elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture),7} s] {line}");

    private sealed record PlannedSend(string Key, string Value, string Body);

    private sealed record AcceptedSend(string Id, ulong Nonce);

    private sealed class ClientStats
    {
        public int Attempts;
        public int Transient;
        public int Replayed;
    }
}

public sealed class SqliteCrashTests(SqliteCrashFixture fixture)
    : CrashTests<SqliteCrashFixture>(fixture), IClassFixture<SqliteCrashFixture>;

public sealed class PostgresCrashTests(PostgresCrashFixture fixture)
    : CrashTests<PostgresCrashFixture>(fixture), IClassFixture<PostgresCrashFixture>;
