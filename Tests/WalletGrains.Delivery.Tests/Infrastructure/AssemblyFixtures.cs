[assembly: AssemblyFixture(typeof(WalletGrains.Testing.PostgresFixture))]
