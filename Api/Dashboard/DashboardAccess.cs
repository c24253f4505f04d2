using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WalletGrains.Api.Dashboard;

/// <summary>The <c>Wallet:Dashboard</c> configuration section.</summary>
public sealed class DashboardOptions
{
    public const string SectionName = "Wallet:Dashboard";

    /// <summary>
    /// In the Development environment, when the silo listens on loopback addresses only, loopback requests
    /// need no API key (DESIGN.md §6). Set false to require the admin key there too. Ignored in other environments.
    /// </summary>
    public bool AllowLoopbackWithoutKey { get; set; } = true;
}

/// <summary>Dashboard data: an admin API key, or no key for loopback development (see <see cref="DashboardOptions"/>).</summary>
internal sealed class DashboardAccessRequirement : IAuthorizationRequirement;

/// <summary>
/// Grants <see cref="DashboardAccessRequirement"/> to admin keys and to keyless loopback requests in development.
/// Anything else fails the requirement, which the API key scheme answers 401 (no or bad key) or 403 (a
/// reader or sender key), as ProblemDetails.
/// </summary>
internal sealed class DashboardAccessHandler(
    IHostEnvironment environment,
    IServer server,
    IOptions<DashboardOptions> options,
    ILogger<DashboardAccessHandler> log) : AuthorizationHandler<DashboardAccessRequirement>
{
    private int _announced;

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, DashboardAccessRequirement requirement)
    {
        if (context.User.IsInRole(ApiRoles.Admin))
        {
            context.Succeed(requirement);
        }
        else if (context.Resource is HttpContext http && IsLoopbackDevelopment(http))
        {
            if (Interlocked.Exchange(ref _announced, 1) == 0)
            {
                DashboardLog.LoopbackWithoutKey(log);
            }

            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }

    private bool IsLoopbackDevelopment(HttpContext http) =>
        environment.IsDevelopment()
        && options.Value.AllowLoopbackWithoutKey
        && http.Connection.RemoteIpAddress is { } remote
        && IPAddress.IsLoopback(remote)
        && ListensOnLoopbackOnly(server.Features.Get<IServerAddressesFeature>()?.Addresses);

    /// <summary>
    /// True when every listen address is loopback: a silo bound to a public interface must not hand its data
    /// to whatever reaches it through a local proxy.
    /// </summary>
    internal static bool ListensOnLoopbackOnly(ICollection<string>? addresses) =>
        addresses is { Count: > 0 } && addresses.All(IsLoopbackAddress);

    private static bool IsLoopbackAddress(string address)
    {
        BindingAddress binding;
        try
        {
            binding = BindingAddress.Parse(address);
        }
        catch (FormatException)
        {
            return false;
        }

        return binding.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(binding.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }
}
