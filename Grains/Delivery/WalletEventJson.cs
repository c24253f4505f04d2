using System.Buffers;
using System.Text.Json;

namespace WalletGrains.Grains.Delivery;

/// <summary>
/// The JSON of one event as every consumer gets it (DESIGN.md §6): <c>{id, type, createdAt, chainId, removed, data}</c>,
/// where <c>data</c> is the stored JSON value itself, not a string. The same bytes are a webhook's body (and what
/// its signature covers), an SSE <c>data:</c> line and an item of <c>GET /v1/events</c>. The output never contains a
/// line break, which SSE needs: the stored data is written byte for byte unless it has line breaks (possible only as
/// whitespace between JSON tokens), and then it is re-written compactly.
/// </summary>
public static class WalletEventJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false };

    /// <summary>Writes the event as one JSON object.</summary>
    public static void Write(Utf8JsonWriter writer, WalletEvent walletEvent)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(walletEvent);
        writer.WriteStartObject();
        writer.WriteNumber("id", walletEvent.Id);
        writer.WriteString("type", walletEvent.Type);
        writer.WriteString("createdAt", walletEvent.CreatedAt);
        writer.WriteNumber("chainId", walletEvent.ChainId);
        writer.WriteBoolean("removed", walletEvent.Removed);
        writer.WritePropertyName("data");
        if (walletEvent.Data.AsSpan().ContainsAny('\r', '\n'))
        {
            using var document = JsonDocument.Parse(walletEvent.Data);
            document.RootElement.WriteTo(writer);
        }
        else
        {
            writer.WriteRawValue(walletEvent.Data, skipInputValidation: false);
        }

        writer.WriteEndObject();
    }

    /// <summary>The event's JSON as UTF-8 bytes.</summary>
    public static byte[] ToUtf8Bytes(WalletEvent walletEvent)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + (walletEvent?.Data.Length ?? 0));
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, walletEvent!);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
