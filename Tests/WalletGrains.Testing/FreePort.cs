using System.Net;
using System.Net.Sockets;

namespace WalletGrains.Testing;

/// <summary>Finds a TCP port on 127.0.0.1 that nothing listens on right now.</summary>
public static class FreePort
{
    /// <summary>
    /// Lets the OS pick a free loopback port and releases it. Another process can take it before
    /// the caller binds it, so callers retry on "address in use" (as <see cref="AnvilProcess"/> does).
    /// </summary>
    public static int GetLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
