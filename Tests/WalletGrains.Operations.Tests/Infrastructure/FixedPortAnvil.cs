using System.Diagnostics;
using System.Text;
using WalletGrains.Testing;

namespace WalletGrains.Operations.Tests.Infrastructure;

/// <summary>
/// anvil started on a given port (AnvilProcess always picks a free one), to bring a chain back at the URL a
/// host was configured with. Disposing kills it.
/// </summary>
internal sealed class FixedPortAnvil : IAsyncDisposable
{
    private readonly Process _process;

    private FixedPortAnvil(Process process) => _process = process;

    public static async Task<FixedPortAnvil> StartAsync(int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(AnvilProcess.FindBinary())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new AnvilOptions().BuildArguments(port))
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("anvil did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var anvil = new FixedPortAnvil(process);
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var url = new Uri($"http://127.0.0.1:{port}/");
            await Eventually.HoldsAsync(
                async () =>
                {
                    if (process.HasExited)
                    {
                        throw new InvalidOperationException($"anvil exited with code {process.ExitCode} on port {port}.");
                    }

                    try
                    {
                        using var content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}""", Encoding.UTF8, "application/json");
                        using var response = await http.PostAsync(url, content, cancellationToken);
                        return response.IsSuccessStatusCode;
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                    {
                        return false;
                    }
                },
                timeout,
                $"anvil answering on port {port}",
                cancellationToken);
            return anvil;
        }
        catch
        {
            await anvil.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync(CancellationToken.None);
        _process.Dispose();
    }
}
