using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using WalletGrains.Ethereum.Model;
using WalletGrains.Grains.Chains;

namespace WalletGrains.Grains.Tests;

public sealed class ChainOptionsTests
{
    private static readonly Dictionary<string, string?> ValidChain = new()
    {
        ["Wallet:Chains:0:ChainId"] = "31337",
        ["Wallet:Chains:0:Name"] = "dev",
        ["Wallet:Chains:0:RpcUrls:0"] = "http://127.0.0.1:8545",
    };

    [Fact]
    public void Environment_style_keys_bind_every_chain_setting()
    {
        var options = Bind(new Dictionary<string, string?>
        {
            ["Wallet:Chains:0:ChainId"] = "11155111",
            ["Wallet:Chains:0:Name"] = "sepolia",
            ["Wallet:Chains:0:RpcUrls:0"] = "https://rpc.sepolia.example/v1",
            ["Wallet:Chains:0:RpcUrls:1"] = "http://10.0.0.2:8545",
            ["Wallet:Chains:0:Confirmations"] = "3",
            ["Wallet:Chains:0:Eip1559"] = "false",
            ["Wallet:Chains:0:MaxFeePerGasCap"] = "123000000000",
            ["Wallet:Chains:0:BumpPercent"] = "25",
            ["Wallet:Chains:0:BumpAfter"] = "00:01:30",
            ["Wallet:Chains:0:MaxInFlight"] = "4",
            ["Wallet:Chains:0:PollInterval"] = "00:00:02",
            ["Wallet:Chains:0:RpcTimeout"] = "00:00:05",
            ["Wallet:Chains:1:ChainId"] = "31337",
            ["Wallet:Chains:1:RpcUrls:0"] = "http://127.0.0.1:8545",
        });

        Assert.Equal(2, options.Chains.Count);
        var sepolia = options.Chains[0];
        Assert.Equal(11155111UL, sepolia.ChainId);
        Assert.Equal("sepolia", sepolia.Name);
        Assert.Equal(["https://rpc.sepolia.example/v1", "http://10.0.0.2:8545"], sepolia.RpcUrls);
        Assert.Equal(3, sepolia.Confirmations);
        Assert.False(sepolia.Eip1559);
        Assert.Equal((UInt256)123_000_000_000, sepolia.MaxFeePerGasCapWei);
        Assert.Equal(25, sepolia.BumpPercent);
        Assert.Equal(TimeSpan.FromSeconds(90), sepolia.BumpAfter);
        Assert.Equal(4, sepolia.MaxInFlight);
        Assert.Equal(TimeSpan.FromSeconds(2), sepolia.PollInterval);
        Assert.Equal(TimeSpan.FromSeconds(5), sepolia.RpcTimeout);

        // Unset keys keep DESIGN.md §7's defaults.
        var dev = options.Chains[1];
        Assert.Equal(1, dev.Confirmations);
        Assert.True(dev.Eip1559);
        Assert.Equal((UInt256)500_000_000_000, dev.MaxFeePerGasCapWei);
        Assert.Equal(20, dev.BumpPercent);
        Assert.Equal(TimeSpan.FromSeconds(30), dev.BumpAfter);
        Assert.Equal(16, dev.MaxInFlight);
    }

    [Fact]
    public void Environment_variables_use_double_underscores_for_the_same_keys()
    {
        // The environment provider maps "__" to ":"; a process-unique prefix keeps parallel tests apart.
        var prefix = $"WGTEST{Guid.NewGuid():N}_";
        try
        {
            Environment.SetEnvironmentVariable(prefix + "Wallet__Chains__0__ChainId", "8453");
            Environment.SetEnvironmentVariable(prefix + "Wallet__Chains__0__RpcUrls__0", "https://base.example");
            Environment.SetEnvironmentVariable(prefix + "Wallet__Chains__0__BumpPercent", "15");
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build();

            var chain = Assert.Single(Resolve(configuration).Chains);

            Assert.Equal(8453UL, chain.ChainId);
            Assert.Equal(["https://base.example"], chain.RpcUrls);
            Assert.Equal(15, chain.BumpPercent);
        }
        finally
        {
            foreach (var name in new[] { "ChainId", "RpcUrls__0", "BumpPercent" })
            {
                Environment.SetEnvironmentVariable(prefix + "Wallet__Chains__0__" + name, null);
            }
        }
    }

    /// <summary>One bad setting each, and the text its message must contain (the key and the quoted value).</summary>
    public static TheoryData<string, string?, string> BadSettings() => new()
    {
        { "Wallet:Chains:0:ChainId", "0", "Wallet:Chains:0:ChainId is 0" },
        { "Wallet:Chains:1:ChainId", "31337", "Wallet:Chains:1:ChainId 31337 is already used by Wallet:Chains:0" },
        { "Wallet:Chains:0:RpcUrls:0", null, "Wallet:Chains:0:RpcUrls is empty" },
        { "Wallet:Chains:0:RpcUrls:0", "ws://127.0.0.1:8546", "Wallet:Chains:0:RpcUrls:0 'ws://127.0.0.1:8546' is not an absolute http" },
        { "Wallet:Chains:0:RpcUrls:0", "localhost:8545", "Wallet:Chains:0:RpcUrls:0 'localhost:8545' is not an absolute http" },
        { "Wallet:Chains:0:RpcUrls:0", "/relative/path", "Wallet:Chains:0:RpcUrls:0 '…' is not an absolute http" },
        { "Wallet:Chains:0:Confirmations", "0", "Wallet:Chains:0:Confirmations is 0" },
        { "Wallet:Chains:0:BumpPercent", "9", "Wallet:Chains:0:BumpPercent is 9" },
        { "Wallet:Chains:0:MaxFeePerGasCap", "0", "Wallet:Chains:0:MaxFeePerGasCap is '0'" },
        { "Wallet:Chains:0:MaxFeePerGasCap", "0x10", "Wallet:Chains:0:MaxFeePerGasCap '0x10' is not a decimal" },
        { "Wallet:Chains:0:MaxFeePerGasCap", "-5", "Wallet:Chains:0:MaxFeePerGasCap '-5' is not a decimal" },
        { "Wallet:Chains:0:MaxFeePerGasCap", "50 gwei", "Wallet:Chains:0:MaxFeePerGasCap '50 gwei' is not a decimal" },
        { "Wallet:Chains:0:MaxFeePerGasCap", "1" + new string('0', 80), "is not a decimal number of wei below 2^256" },
        { "Wallet:Chains:0:MaxInFlight", "0", "Wallet:Chains:0:MaxInFlight is 0" },
        { "Wallet:Chains:0:MaxConcurrentRpcRequests", "-1", "Wallet:Chains:0:MaxConcurrentRpcRequests is -1" },
        { "Wallet:Chains:0:MaxConcurrentBroadcasts", "-1", "Wallet:Chains:0:MaxConcurrentBroadcasts is -1" },
        { "Wallet:Chains:0:BumpAfter", "00:00:00", "Wallet:Chains:0:BumpAfter is 00:00:00" },
        { "Wallet:Chains:0:PollInterval", "-00:00:01", "Wallet:Chains:0:PollInterval is -00:00:01" },
        { "Wallet:Chains:0:RpcTimeout", "00:00:00", "Wallet:Chains:0:RpcTimeout is 00:00:00" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void Each_bad_setting_is_rejected_quoting_its_value(string key, string? value, string expected)
    {
        var settings = new Dictionary<string, string?>(ValidChain)
        {
            ["Wallet:Chains:1:ChainId"] = "1",
            ["Wallet:Chains:1:RpcUrls:0"] = "https://eth.example",
        };
        if (value is null)
        {
            settings.Remove(key);
        }
        else
        {
            settings[key] = value;
        }

        var error = Assert.Throws<OptionsValidationException>(() => Bind(settings));

        var failure = Assert.Single(error.Failures);
        Assert.Contains(expected, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Rpc_urls_are_quoted_only_up_to_the_host_because_they_may_carry_provider_keys()
    {
        var settings = new Dictionary<string, string?>(ValidChain)
        {
            ["Wallet:Chains:0:RpcUrls:0"] = "wss://user:secretpass@mainnet.example/v3/SECRETKEY?apikey=SECRET2",
            ["Wallet:Chains:0:RpcUrls:1"] = "mainnet.example/v3/SECRETKEY",
        };

        var error = Assert.Throws<OptionsValidationException>(() => Bind(settings));

        Assert.Equal(2, error.Failures.Count());
        Assert.Contains("'wss://mainnet.example…'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'mainnet.example…'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_configuration_without_chains_is_valid_for_the_dev_chain_to_fill_in()
    {
        var options = Bind([]);

        Assert.Empty(options.Chains);
    }

    [Fact]
    public async Task Invalid_chain_options_stop_the_host_at_start()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(ValidChain) { ["Wallet:Chains:0:BumpPercent"] = "5" });
        builder.Services.AddWalletChains(builder.Configuration);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("BumpPercent is 5", error.Message, StringComparison.Ordinal);
    }

    private static WalletOptions Bind(Dictionary<string, string?> settings) =>
        Resolve(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

    private static WalletOptions Resolve(IConfiguration configuration)
    {
        using var provider = new ServiceCollection().AddLogging().AddWalletChains(configuration).BuildServiceProvider();
        return provider.GetRequiredService<IOptions<WalletOptions>>().Value;
    }
}
