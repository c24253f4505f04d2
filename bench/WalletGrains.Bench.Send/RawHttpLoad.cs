using System.Buffers;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace WalletGrains.Bench.Send;

/// <summary>
/// A lean HTTP/1.1 load client for the benchmark: keep-alive TCP connections, each request written as one prepared
/// byte block, the answer read with just enough parsing (status line, Content-Length or chunked body). It does what
/// wrk-style generators do, so that on this 2-core machine the load generator takes as little CPU from the silo as
/// possible; <see cref="HttpClient"/> spends several times more per request. Plain HTTP on loopback only.
/// </summary>
internal sealed class RawHttpLoad : IAsyncDisposable
{
    private readonly string _host;
    private readonly int _port;
    private readonly byte[] _headerPrefix;
    private readonly Channel<Connection> _idle = Channel.CreateUnbounded<Connection>();
    private readonly SemaphoreSlim _slots;
    private readonly List<Connection> _all = [];
    private readonly Lock _gate = new();

    public RawHttpLoad(Uri baseUrl, string apiKey, int maxConnections)
    {
        _host = baseUrl.Host;
        _port = baseUrl.Port;
        _slots = new SemaphoreSlim(maxConnections, maxConnections);
        _headerPrefix = Encoding.ASCII.GetBytes(
            $"POST /v1/transactions HTTP/1.1\r\nHost: {baseUrl.Authority}\r\nAuthorization: Bearer {apiKey}\r\nContent-Type: application/json\r\n");
    }

    /// <summary>The bytes of one POST /v1/transactions with this body and optional Idempotency-Key.</summary>
    public byte[] Prepare(byte[] body, string? idempotencyKey)
    {
        var extra = idempotencyKey is null ? "" : $"Idempotency-Key: {idempotencyKey}\r\n";
        var head = Encoding.ASCII.GetBytes($"{extra}Content-Length: {body.Length.ToString(CultureInfo.InvariantCulture)}\r\n\r\n");
        return [.. _headerPrefix, .. head, .. body];
    }

    /// <summary>Sends one prepared request on a free connection (opening one when fewer than the maximum exist) and returns the status and body.</summary>
    public async Task<(int Status, byte[] Body)> SendAsync(byte[] request)
    {
        await _slots.WaitAsync();
        Connection? connection = null;
        try
        {
            if (!_idle.Reader.TryRead(out connection))
            {
                connection = await Connection.OpenAsync(_host, _port);
                lock (_gate)
                {
                    _all.Add(connection);
                }
            }

            var answer = await connection.ExchangeAsync(request);
            _idle.Writer.TryWrite(connection);
            connection = null;
            return answer;
        }
        finally
        {
            // A connection that failed mid-exchange is not reused.
            connection?.Dispose();
            _slots.Release();
        }
    }

    public ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            foreach (var connection in _all)
            {
                connection.Dispose();
            }
        }

        _slots.Dispose();
        return ValueTask.CompletedTask;
    }

    private sealed class Connection : IDisposable
    {
        private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();
        private static readonly byte[] LineEnd = "\r\n"u8.ToArray();

        private readonly Socket _socket;
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;

        private Connection(Socket socket) => _socket = socket;

        public static async Task<Connection> OpenAsync(string host, int port)
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(host, port);
            return new Connection(socket);
        }

        public async Task<(int Status, byte[] Body)> ExchangeAsync(byte[] request)
        {
            await _socket.SendAsync(request, SocketFlags.None);
            var headerEnd = await FillUntilAsync(HeaderEnd);
            var head = _buffer.AsSpan(_start, headerEnd - _start);
            var status = int.Parse(head.Slice(9, 3), CultureInfo.InvariantCulture);
            var length = HeaderValue(head, "content-length"u8);
            var chunked = length.IsEmpty && HeaderValue(head, "transfer-encoding"u8).IndexOf("chunked"u8) >= 0;
            var contentLength = length.IsEmpty ? 0 : int.Parse(length, CultureInfo.InvariantCulture);
            _start = headerEnd + 4;
            byte[] body;
            if (!length.IsEmpty)
            {
                body = await ReadExactlyAsync(contentLength);
            }
            else if (chunked)
            {
                body = await ReadChunkedAsync();
            }
            else
            {
                body = [];
            }

            return (status, body);
        }

        /// <summary>The value of a header (name in lower case) in the answer's head, trimmed; empty when absent.</summary>
        private static ReadOnlySpan<byte> HeaderValue(ReadOnlySpan<byte> head, ReadOnlySpan<byte> name)
        {
            while (!head.IsEmpty)
            {
                var end = head.IndexOf("\r\n"u8);
                var line = end < 0 ? head : head[..end];
                var colon = line.IndexOf((byte)':');
                if (colon > 0 && Ascii.EqualsIgnoreCase(line[..colon].Trim((byte)' '), name))
                {
                    return line[(colon + 1)..].Trim((byte)' ');
                }

                head = end < 0 ? [] : head[(end + 2)..];
            }

            return [];
        }

        private async Task<byte[]> ReadChunkedAsync()
        {
            var body = new ArrayBufferWriter<byte>();
            while (true)
            {
                var lineEnd = await FillUntilAsync(LineEnd);
                var sizeText = _buffer.AsSpan(_start, lineEnd - _start);
                var extension = sizeText.IndexOf((byte)';');
                var size = int.Parse(extension < 0 ? sizeText : sizeText[..extension], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                _start = lineEnd + 2;
                if (size == 0)
                {
                    var trailerEnd = await FillUntilAsync(LineEnd);
                    _start = trailerEnd + 2;
                    return body.WrittenSpan.ToArray();
                }

                body.Write(await ReadExactlyAsync(size));
                await ReadExactlyAsync(2);
            }
        }

        private async ValueTask<byte[]> ReadExactlyAsync(int count)
        {
            await FillAtLeastAsync(count);
            var bytes = _buffer.AsSpan(_start, count).ToArray();
            _start += count;
            return bytes;
        }

        /// <summary>Reads until <paramref name="marker"/> is among the buffered bytes; returns its position.</summary>
        private async ValueTask<int> FillUntilAsync(byte[] marker)
        {
            int at;
            while ((at = _buffer.AsSpan(_start, _end - _start).IndexOf(marker)) < 0)
            {
                await ReceiveAsync();
            }

            return _start + at;
        }

        /// <summary>Reads until at least <paramref name="count"/> bytes are buffered.</summary>
        private async ValueTask FillAtLeastAsync(int count)
        {
            while (_end - _start < count)
            {
                await ReceiveAsync();
            }
        }

        /// <summary>Moves the unread bytes to the front of the buffer and reads more after them.</summary>
        private async ValueTask ReceiveAsync()
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                throw new InvalidDataException("An HTTP answer did not fit the load client's 64 KiB buffer.");
            }

            var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None);
            if (read == 0)
            {
                throw new IOException("The server closed the connection.");
            }

            _end += read;
        }

        public void Dispose() => _socket.Dispose();
    }
}
