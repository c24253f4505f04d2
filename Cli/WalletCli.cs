using System.CommandLine;

namespace WalletGrains.Cli;

/// <summary>The <c>wallet</c> command tree (DESIGN.md §9); callable in-process for tests.</summary>
public static class WalletCli
{
    /// <summary>Parses and runs one command line; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        var io = new CliIo(stdin, stdout, stderr);
        var root = new RootCommand("WalletGrains command-line tool: transactions, keys and addresses.")
        {
            AddressCommand.Create(io),
            TxCommands.Create(io),
            KeysCommands.Create(io),
            ApiKeysCommand.Create(io),
        };
        var config = new InvocationConfiguration { Output = stdout, Error = stderr };
        try
        {
            return await root.Parse(args).InvokeAsync(config);
        }
        catch (CliException e)
        {
            await stderr.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
    }
}
