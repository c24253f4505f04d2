namespace WalletGrains.Api;

/// <summary>
/// The roles an API key has (DESIGN.md §6). Admin: everything, sends from any custodied address.
/// Sender: reads, and sends and cancels from the addresses on its allow-list only (an empty list
/// allows none). Reader: reads only.
/// </summary>
public static class ApiRoles
{
    public const string Admin = "admin";
    public const string Sender = "sender";
    public const string Reader = "reader";

    /// <summary>True for one of the three role names (lower case, exact).</summary>
    public static bool IsValid(string? role) => role is Admin or Sender or Reader;
}

/// <summary>Authorization policy names used by the endpoint groups.</summary>
public static class ApiPolicies
{
    /// <summary>Reader, sender or admin.</summary>
    public const string Read = "wallet.read";

    /// <summary>Sender or admin.</summary>
    public const string Send = "wallet.send";

    /// <summary>Admin only.</summary>
    public const string Admin = "wallet.admin";
}
