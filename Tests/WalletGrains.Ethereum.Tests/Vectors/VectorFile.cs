using System.Text.Json;
using System.Text.Json.Nodes;
using WalletGrains.Testing;

namespace WalletGrains.Ethereum.Tests.Vectors;

/// <summary>Reads a JSON file from ../shared/vectors once and hands out its arrays as theory data.</summary>
internal static class VectorFile
{
    private static readonly Dictionary<string, JsonNode> Cache = [];

    public static JsonNode Load(string fileName)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(fileName, out var node))
            {
                node = JsonNode.Parse(File.ReadAllText(RepoPaths.Vector(fileName)))!;
                Cache[fileName] = node;
            }

            return node;
        }
    }

    /// <summary>Each element of <c>file[arrayName]</c> as one theory row: (name, json text).</summary>
    public static TheoryData<string, string> Cases(string fileName, string arrayName, string nameField = "name")
    {
        var data = new TheoryData<string, string>();
        var array = Load(fileName)[arrayName]!.AsArray();
        var i = 0;
        foreach (var item in array)
        {
            var name = item![nameField]?.ToString() ?? $"{arrayName}[{i}]";
            data.Add($"{i:D3} {name}", item.ToJsonString(JsonOptions));
            i++;
        }

        return data;
    }

    public static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = false };
}
