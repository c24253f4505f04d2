using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace WalletGrains.Cli;

/// <summary>
/// Standard streams of one invocation, and the batch convention of DESIGN.md §9: an input of
/// <c>-</c> means one input per stdin line and one JSON result per output line, where a bad line
/// yields <c>{"error": "..."}</c> and the batch carries on.
/// </summary>
public sealed class CliIo(TextReader stdin, TextWriter stdout, TextWriter stderr)
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Standard output.</summary>
    public TextWriter Out => stdout;

    /// <summary>Standard error.</summary>
    public TextWriter Error => stderr;

    /// <summary>
    /// Runs <paramref name="handle"/> on one input, or on every stdin line when the input is "-".
    /// Single mode prints indented JSON (a bare string result as plain text) and exits 1 on error (message on stderr); batch mode prints
    /// one compact JSON line per input and exits 0 unless reading stdin fails.
    /// </summary>
    public int Run(string input, Func<string, JsonNode> handle)
    {
        if (input != "-")
        {
            try
            {
                var result = handle(input);
                stdout.WriteLine(result is JsonValue v && v.TryGetValue<string>(out var text) ? text : result.ToJsonString(Indented));
                return 0;
            }
            catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or IOException or JsonException or OverflowException or CliException)
            {
                stderr.WriteLine($"error: {e.Message}");
                return 1;
            }
        }

        string? line;
        while ((line = stdin.ReadLine()) is not null)
        {
            if (line.Length == 0)
            {
                continue;
            }

            JsonNode result;
            try
            {
                result = handle(line.Trim());
            }
            catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or IOException or JsonException or OverflowException or CliException)
            {
                result = new JsonObject { ["error"] = e.Message };
            }

            stdout.WriteLine(result.ToJsonString(Compact));
        }

        stdout.Flush();
        return 0;
    }
}

/// <summary>A user-facing error of a CLI command (bad input, missing file).</summary>
public sealed class CliException(string message) : Exception(message);
