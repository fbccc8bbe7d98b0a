using System.Net;
using System.Net.Sockets;

namespace NbaSim.Observability.Tests.Infrastructure;

/// <summary>Loopback ports for the servers tests start.</summary>
internal static class Ports
{
    /// <summary>A port that was free a moment ago (the OS picks it).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
