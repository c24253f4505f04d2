using System.Collections.Frozen;
using System.Reflection;
using Microsoft.AspNetCore.Http;
using WalletGrains.Ethereum.Model;

namespace WalletGrains.Api;

/// <summary>
/// The authenticated API key of a request. Handlers take it as a parameter (bound from the request's
/// features, where <see cref="ApiKeyAuthenticationHandler"/> put it).
/// </summary>
public sealed class ApiCaller
{
    /// <summary>The id the bootstrap admin key (configured or generated) goes by, e.g. in idempotency records.</summary>
    public const string BootstrapAdminId = "admin";

    public ApiCaller(string keyId, string role, IEnumerable<Address> allowedFrom)
    {
        if (!ApiRoles.IsValid(role))
        {
            throw new ArgumentException($"API key '{keyId}' has role '{role}', which is not admin, sender or reader.", nameof(role));
        }

        KeyId = keyId;
        Role = role;
        AllowedFrom = allowedFrom.ToFrozenSet();
    }

    /// <summary>The key's id (never the secret).</summary>
    public string KeyId { get; }

    /// <summary>admin, sender or reader.</summary>
    public string Role { get; }

    /// <summary>A sender's allow-list of <c>from</c> addresses.</summary>
    public FrozenSet<Address> AllowedFrom { get; }

    /// <summary>Admins send from any custodied address; senders only from their allow-list; readers never.</summary>
    public bool MaySendFrom(Address from) => Role switch
    {
        ApiRoles.Admin => true,
        ApiRoles.Sender => AllowedFrom.Contains(from),
        _ => false,
    };

    /// <summary>Minimal-API binding: the caller the authentication handler attached to the request.</summary>
    public static ValueTask<ApiCaller?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        ValueTask.FromResult<ApiCaller?>(context.Features.Get<ApiCaller>()
            ?? throw new InvalidOperationException($"No authenticated API key on {context.Request.Method} {context.Request.Path}; parameter '{parameter.Name}' needs an endpoint that requires authorization."));
}
