using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using WalletGrains.Grains;

namespace WalletGrains.Api;

/// <summary>
/// A request body read strictly as JSON: application/json only, bounded in size, no comments, no
/// trailing commas, no duplicate property names (a proxy and this service must not read different values).
/// Handlers parse bodies themselves instead of model binding so that every rejection has its stable code.
/// </summary>
internal sealed class JsonBody : IDisposable
{
    private static readonly JsonDocumentOptions Options = new()
    {
        MaxDepth = 8,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowDuplicateProperties = false,
    };

    private JsonBody(JsonDocument? document, ApiProblem? problem)
    {
        Document = document;
        Problem = problem;
    }

    /// <summary>The parsed body, when <see cref="Problem"/> is null.</summary>
    public JsonDocument? Document { get; }

    /// <summary>Why the body was refused, or null.</summary>
    public ApiProblem? Problem { get; }

    /// <summary>Reads and parses the body; a body longer than <paramref name="maxBytes"/> is refused with 413 <c>data_too_large</c>.</summary>
    public static async Task<JsonBody> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return Refused(new ApiProblem(
                StatusCodes.Status415UnsupportedMediaType,
                WalletErrorCodes.InvalidRequest,
                $"The request body must be JSON with Content-Type application/json; got '{request.ContentType ?? "none"}'."));
        }

        if (request.ContentLength > maxBytes)
        {
            return Refused(TooLarge(maxBytes));
        }

        var reader = request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            if (buffer.Length > maxBytes)
            {
                reader.AdvanceTo(buffer.End);
                return Refused(TooLarge(maxBytes));
            }

            if (read.IsCompleted || read.IsCanceled)
            {
                // Copied: a JsonDocument keeps its input for its lifetime, the pipe's buffer is only lent.
                var bytes = buffer.ToArray();
                reader.AdvanceTo(buffer.End);
                return Parse(bytes);
            }

            // Nothing consumed yet: wait until the whole body is buffered.
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Parses bytes already in memory (tests and callers with their own buffering).</summary>
    public static JsonBody Parse(ReadOnlyMemory<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return Refused(ApiProblem.For(WalletErrorCodes.InvalidRequest, "The request body is empty; a JSON object is required."));
        }

        try
        {
            var document = JsonDocument.Parse(bytes, Options);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                var kind = document.RootElement.ValueKind;
                document.Dispose();
                return Refused(ApiProblem.For(WalletErrorCodes.InvalidRequest, $"The request body must be a JSON object; got {kind}."));
            }

            return new JsonBody(document, null);
        }
        catch (JsonException e)
        {
            return Refused(ApiProblem.For(WalletErrorCodes.InvalidRequest, $"The request body is not valid JSON: {e.Message}"));
        }
    }

    public void Dispose() => Document?.Dispose();

    private static JsonBody Refused(ApiProblem problem) => new(null, problem);

    private static ApiProblem TooLarge(long maxBytes) =>
        ApiProblem.For(WalletErrorCodes.DataTooLarge, $"The request body is larger than {maxBytes} bytes.");
}
