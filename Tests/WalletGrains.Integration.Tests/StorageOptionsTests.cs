using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using WalletGrains.Silo;

namespace WalletGrains.Integration.Tests;

/// <summary><c>Wallet:Storage:CommitGatherWindow</c> out of range stops the host at composition with a message naming the key.</summary>
public sealed class StorageOptionsTests
{
    [Theory]
    [InlineData("-00:00:00.001")]
    [InlineData("00:00:02")]
    public void A_commit_gather_window_out_of_range_is_refused(string window)
    {
        var error = Assert.Throws<OptionsValidationException>(() => WalletHost.CreateBuilder(["--environment", "Testing"], b =>
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Wallet:DevChain:Enabled"] = "false",
                ["Wallet:Storage:Provider"] = "postgres",
                ["Wallet:Storage:ConnectionString"] = "Host=127.0.0.1;Port=1;Database=none",
                ["Wallet:Storage:CommitGatherWindow"] = window,
            })));

        Assert.Contains("Wallet:Storage:CommitGatherWindow", error.Message, StringComparison.Ordinal);
    }
}
