using System.Text;

namespace WalletGrains.Delivery.Tests;

/// <summary>One Server-Sent Events message as a client sees it (fields joined per the SSE parsing rules).</summary>
public sealed record SseMessage(string? Id, string? Event, string Data);

/// <summary>
/// A minimal SSE client over a streamed HTTP response, parsing per the WHATWG rules: lines end with LF, a blank line
/// dispatches the message, lines starting with ':' are comments (counted, for heartbeats).
/// </summary>
public sealed class SseClient : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private SseClient(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = new StreamReader(body, Encoding.UTF8);
    }

    /// <summary>Comment lines read so far.</summary>
    public int Comments { get; private set; }

    public HttpResponseMessage Response => _response;

    /// <summary>Opens <paramref name="path"/> with optional Last-Event-ID; fails unless the answer is 200 text/event-stream.</summary>
    public static async Task<SseClient> OpenAsync(HttpClient client, string path, string? lastEventId = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode || response.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            response.Dispose();
            throw new HttpRequestException($"GET {path}: {(int)response.StatusCode} {response.Content.Headers.ContentType} {text}");
        }

        return new SseClient(response, await response.Content.ReadAsStreamAsync(cancellationToken));
    }

    /// <summary>The next message; throws <see cref="TimeoutException"/> when none arrives within <paramref name="timeout"/>.</summary>
    public async Task<SseMessage> NextAsync(TimeSpan timeout)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout);
        string? id = null, type = null;
        var data = new StringBuilder();
        var hasData = false;
        try
        {
            while (true)
            {
                var line = await _reader.ReadLineAsync(deadline.Token) ?? throw new EndOfStreamException("The event stream ended.");
                if (line.Length == 0)
                {
                    if (hasData)
                    {
                        return new SseMessage(id, type, data.ToString());
                    }

                    continue;
                }

                if (line[0] == ':')
                {
                    Comments++;
                    continue;
                }

                var colon = line.IndexOf(':', StringComparison.Ordinal);
                var field = colon < 0 ? line : line[..colon];
                var value = colon < 0 ? "" : line[(colon + 1)..];
                if (value.StartsWith(' '))
                {
                    value = value[1..];
                }

                switch (field)
                {
                    case "id":
                        id = value;
                        break;
                    case "event":
                        type = value;
                        break;
                    case "data":
                        if (hasData)
                        {
                            data.Append('\n');
                        }

                        data.Append(value);
                        hasData = true;
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No event-stream message within {timeout}.");
        }
    }

    /// <summary>Reads until <paramref name="count"/> comment lines have arrived in total, skipping messages; throws on timeout.</summary>
    public async Task WaitForCommentsAsync(int count, TimeSpan timeout)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout);
        while (Comments < count)
        {
            var line = await _reader.ReadLineAsync(deadline.Token) ?? throw new EndOfStreamException("The event stream ended.");
            if (line.StartsWith(':'))
            {
                Comments++;
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
