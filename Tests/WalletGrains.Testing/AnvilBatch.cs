using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace WalletGrains.Testing;

/// <summary>
/// Many raw JSON-RPC requests to anvil in few HTTP POSTs (arrays of up to 500), for set-up and oracle reads of thousands
/// of values (anvil_setBalance, anvil_setStorageAt, eth_getBalance, eth_call) without thousands of round trips.
/// </summary>
public static class AnvilBatch
{
    private const int PerPost = 500;

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>Sends the requests (method, parameters) and returns each result in order; throws on any JSON-RPC error.</summary>
    public static async Task<IReadOnlyList<JsonNode?>> RequestAllAsync(AnvilProcess anvil, IReadOnlyList<(string Method, JsonNode?[] Parameters)> requests)
    {
        ArgumentNullException.ThrowIfNull(anvil);
        ArgumentNullException.ThrowIfNull(requests);
        var results = new JsonNode?[requests.Count];
        for (var start = 0; start < requests.Count; start += PerPost)
        {
            var count = Math.Min(PerPost, requests.Count - start);
            var batch = new JsonArray();
            for (var i = 0; i < count; i++)
            {
                var (method, parameters) = requests[start + i];
                batch.Add(new JsonObject
                {
                    ["jsonrpc"] = "2.0",
                    ["id"] = start + i,
                    ["method"] = method,
                    ["params"] = new JsonArray([.. parameters.Select(p => p?.DeepClone())]),
                });
            }

            using var content = new StringContent(batch.ToJsonString(), Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await Http.PostAsync(anvil.RpcUrl, content);
            var answers = JsonNode.Parse(await response.Content.ReadAsStringAsync()) as JsonArray
                ?? throw new InvalidOperationException($"anvil did not answer a batch of {count} with an array (HTTP {(int)response.StatusCode}).");
            foreach (var answer in answers)
            {
                var id = (int)answer!["id"]!;
                results[id] = answer["error"] is { } error
                    ? throw new InvalidOperationException($"anvil rejected {requests[id].Method}: {error.ToJsonString()}")
                    : answer["result"]?.DeepClone();
            }
        }

        return results;
    }
}
