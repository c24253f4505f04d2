using WalletGrains.Api.Dashboard;

namespace WalletGrains.Dashboard.Tests;

/// <summary>Which listen addresses count as "the silo listens on loopback" for keyless development access.</summary>
public sealed class LoopbackTests
{
    public static TheoryData<string[], bool> Addresses => new()
    {
        { ["http://127.0.0.1:5080"], true },
        { ["http://localhost:5000", "https://localhost:5001"], true },
        { ["http://[::1]:5080"], true },
        { ["http://127.0.0.1:5080", "http://[::1]:5080"], true },
        { ["http://0.0.0.0:5080"], false },
        { ["http://[::]:5080"], false },
        { ["http://+:80"], false },
        { ["http://*:80"], false },
        { ["http://10.1.2.3:5080"], false },
        { ["http://127.0.0.1:5080", "http://0.0.0.0:5081"], false },
        { [], false },
    };

    [Theory]
    [MemberData(nameof(Addresses))]
    public void Only_loopback_listen_addresses_count(string[] addresses, bool expected) =>
        Assert.Equal(expected, DashboardAccessHandler.ListensOnLoopbackOnly(addresses));
}
