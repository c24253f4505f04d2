using System.Globalization;
using Microsoft.Extensions.Options;
using WalletGrains.Grains.Chains;

namespace WalletGrains.Grains.Keys;

/// <summary>
/// Checks the shape of <c>Wallet:Signers</c> before any key is loaded. Messages quote counts and paths,
/// never a key or the mnemonic (those are checked, without echoing them, by the key stores).
/// </summary>
public sealed class SignerOptionsValidator : IValidateOptions<SignerOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, SignerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = FindProblems(options);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>Every problem found, one message each.</summary>
    public static IReadOnlyList<string> FindProblems(SignerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        var hasDir = !string.IsNullOrWhiteSpace(options.KeystoreDir);
        var hasPassword = !string.IsNullOrWhiteSpace(options.KeystorePasswordFile);
        if (hasDir && !hasPassword)
        {
            problems.Add($"Wallet:Signers:KeystoreDir is '{options.KeystoreDir}' but Wallet:Signers:KeystorePasswordFile is not set; keystore files need the password file.");
        }
        else if (hasPassword && !hasDir)
        {
            problems.Add($"Wallet:Signers:KeystorePasswordFile is '{options.KeystorePasswordFile}' but Wallet:Signers:KeystoreDir is not set.");
        }

        if (!string.IsNullOrWhiteSpace(options.Mnemonic) && options.MnemonicCount is < 1 or > MnemonicKeyStore.MaxCount)
        {
            problems.Add($"Wallet:Signers:MnemonicCount is {options.MnemonicCount.ToString(CultureInfo.InvariantCulture)}; it must be between 1 and {MnemonicKeyStore.MaxCount.ToString(CultureInfo.InvariantCulture)}.");
        }

        return problems;
    }
}
