using WalletGrains.Cli;

return await WalletCli.RunAsync(args, Console.In, Console.Out, Console.Error);
