using System.CommandLine;
using System.Text.Json.Nodes;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Cli;

/// <summary><c>wallet address &lt;hex&gt;</c>: the EIP-55 form, or an error for a bad checksum.</summary>
internal static class AddressCommand
{
    public static Command Create(CliIo io)
    {
        var input = new Argument<string>("address") { Description = "0x + 40 hex digits (lower case, or mixed case with a valid EIP-55 checksum); - reads one per stdin line" };
        var command = new Command("address", "Print an address in EIP-55 checksum form") { input };
        command.SetAction(parse => io.Run(parse.GetValue(input)!, Handle));
        return command;
    }

    internal static JsonNode Handle(string text) => JsonValue.Create(Address.Parse(text).ToChecksumString());
}
