using WalletGrains.Ethereum.Keys;
using WalletGrains.Ethereum.Model;
using WalletGrains.Ethereum.Rpc;
using WalletGrains.Ethereum.Signing;

namespace WalletGrains.Ethereum.Tests;

/// <summary>Our signer against a real anvil: what we sign is accepted, mined and attributed to the signer.</summary>
[Collection(RpcAnvilCollection.Name)]
public sealed class SignAndSendIntegrationTests(RpcAnvilFixture anvil)
{
    [Fact]
    public async Task Transactions_signed_here_are_mined_with_the_signer_as_from()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = anvil.Client;
        var chainId = await client.ChainIdAsync(ct);

        // A fresh key per run so the test never depends on other tests' nonces.
        var key = PrivateKeyGenerator.Generate();
        using var signer = new PrivateKeySigner(key);
        await client.CallAsync("anvil_setBalance", [signer.Address.ToLowerHex(), Wei.FromEther(10).Value.ToHexQuantity()], cancellationToken: ct);
        var recipient = Address.FromPrivateKey(PrivateKeyGenerator.Generate());

        var head = await client.GetBlockByNumberAsync(BlockParameter.Latest, cancellationToken: ct);
        var baseFee = head!.BaseFeePerGas ?? UInt256.Zero;
        var maxFee = baseFee * 2UL + Wei.WeiPerGwei;
        var nonce = await client.GetTransactionCountAsync(signer.Address, BlockParameter.Pending, ct);

        Transaction[] transactions =
        [
            new Eip1559Transaction
            {
                ChainId = chainId, Nonce = nonce, GasLimit = 21_000, To = recipient, Value = 12_345UL,
                MaxFeePerGas = maxFee, MaxPriorityFeePerGas = Wei.WeiPerGwei,
            },
            new LegacyTransaction
            {
                ChainId = chainId, Nonce = nonce + 1, GasLimit = 21_000, To = recipient, Value = 1UL, GasPrice = maxFee,
            },
            new Eip2930Transaction
            {
                ChainId = chainId, Nonce = nonce + 2, GasLimit = 30_000, To = recipient, Value = 2UL, GasPrice = maxFee,
                AccessList = [new AccessListEntry(recipient, [Bytes32.FromUInt256(7UL)])],
            },
        ];

        foreach (var tx in transactions)
        {
            var signed = signer.Sign(tx);
            Assert.Equal(tx, TransactionDecoder.Decode(signed.Raw.Span).Transaction);

            var hash = await client.SendRawTransactionAsync(signed.Raw, ct);
            Assert.Equal(signed.Hash, hash);

            var receipt = await RpcAnvil.WaitForReceiptAsync(client, hash);
            Assert.True(receipt.Succeeded, $"{tx.Type} transaction reverted");
            Assert.Equal(signer.Address, receipt.From);
            Assert.Equal(recipient, receipt.To);

            var mined = await client.GetTransactionByHashAsync(hash, ct);
            Assert.Equal(signer.Address, mined!.From);
            Assert.Equal(tx.Nonce, mined.Nonce);
        }

        Assert.Equal(12_345UL + 1 + 2, (await client.GetBalanceAsync(recipient, BlockParameter.Latest, ct)).ToUInt64());
    }
}
