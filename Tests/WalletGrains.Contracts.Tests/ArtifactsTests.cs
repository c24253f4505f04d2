using System.Diagnostics;
using System.Text;
using WalletGrains.Testing;

namespace WalletGrains.Contracts.Tests;

/// <summary>The committed contract artifacts are exactly what the committed sources compile to.</summary>
public sealed class ArtifactsTests
{
    private static readonly TimeSpan CompileTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Committed_artifacts_equal_a_fresh_compile()
    {
        // build.mjs resolves solc from tools/node_modules itself (createRequire on tools/package.json),
        // so it runs from the repository root like a developer would run it.
        NodeScript.EnsureToolsInstalled();
        var info = new ProcessStartInfo(NodeScript.FindNode())
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(Path.Combine("contracts", "build.mjs"));
        info.ArgumentList.Add("--check");

        using var process = Process.Start(info)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(CompileTimeout);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        Assert.True(process.ExitCode == 0, $"node contracts/build.mjs --check exited {process.ExitCode}:\n{await stdout}\n{await stderr}");
    }

    [Fact]
    public void Artifacts_load_with_code_and_the_pinned_compiler()
    {
        foreach (var artifact in new[] { Testing.Contracts.Multicall, Testing.Contracts.TestToken })
        {
            Assert.Equal("0.8.37", artifact.Compiler);
            Assert.NotEmpty(artifact.Abi);
            Assert.NotEmpty(artifact.DeployedBytecode);

            // Creation code returns the runtime code, so it is longer (constructor plus payload).
            Assert.True(artifact.Bytecode.Length > artifact.DeployedBytecode.Length, artifact.ContractName);
        }
    }
}
