using System.Net;
using System.Net.Sockets;
using System.Text;

namespace WalletGrains.Ethereum.Tests;

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 for transport tests: each POST body goes to a handler
/// that returns (status, body), or null to never answer (a hung node).
/// </summary>
internal sealed class RpcStubServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string, (int Status, string Body)?> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _clients = [];
    private readonly Task _acceptLoop;
    private int _requests;

    public RpcStubServer(Func<string, (int Status, string Body)?> handler)
    {
        _handler = handler;
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _acceptLoop = AcceptLoopAsync();
    }

    public Uri Url { get; }

    public int Requests => Volatile.Read(ref _requests);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_clients)
        {
            foreach (var c in _clients)
            {
                c.Dispose();
            }
        }

        try
        {
            await _acceptLoop;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            lock (_clients)
            {
                _clients.Add(client);
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        try
        {
            var stream = client.GetStream();
            while (!_stop.IsCancellationRequested)
            {
                var body = await ReadRequestAsync(stream);
                if (body is null)
                {
                    return;
                }

                Interlocked.Increment(ref _requests);
                var answer = _handler(body);
                if (answer is null)
                {
                    // Hung node: keep the connection open and never write.
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                    return;
                }

                var payload = Encoding.UTF8.GetBytes(answer.Value.Body);
                var head = $"HTTP/1.1 {answer.Value.Status} Stub\r\nContent-Type: application/json\r\nContent-Length: {payload.Length}\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
                await stream.WriteAsync(payload, _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task<string?> ReadRequestAsync(NetworkStream stream)
    {
        var header = new List<byte>();
        var one = new byte[1];
        while (!EndsWithBlankLine(header))
        {
            if (await stream.ReadAsync(one, _stop.Token) == 0)
            {
                return null;
            }

            header.Add(one[0]);
        }

        var text = Encoding.ASCII.GetString([.. header]);
        var lengthLine = text.Split("\r\n").First(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        var length = int.Parse(lengthLine["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var body = new byte[length];
        await stream.ReadExactlyAsync(body, _stop.Token);
        return Encoding.UTF8.GetString(body);
    }

    private static bool EndsWithBlankLine(List<byte> b) =>
        b.Count >= 4 && b[^4] == '\r' && b[^3] == '\n' && b[^2] == '\r' && b[^1] == '\n';
}
