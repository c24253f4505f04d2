using System.Collections.Frozen;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace WalletGrains.Api.Dashboard;

/// <summary>
/// <c>/dashboard</c>: the live operations page (hand-written HTML, CSS and JS embedded in this assembly, no
/// third-party front-end code) and its data at <c>/dashboard/api/snapshot</c>, which the page polls every second.
/// The page itself holds no data and needs no key; the snapshot needs the admin key as a Bearer header, or
/// nothing for loopback requests in development (DESIGN.md §6).
/// </summary>
public static class DashboardApi
{
    /// <summary>The authorization policy of the snapshot route.</summary>
    public const string Policy = "wallet.dashboard";

    private const string ResourcePrefix = "WalletGrains.Api.Dashboard.";

    // The page loads only same-origin script, style and data: no CDN, no inline code, no framing.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly FrozenDictionary<string, (string ContentType, byte[] Body)> Assets = LoadAssets();

    /// <summary>Registers the snapshot service, the <c>Wallet:Dashboard</c> options and the access policy.</summary>
    public static IServiceCollection AddWalletDashboard(this IServiceCollection services)
    {
        services.AddOptions<DashboardOptions>().BindConfiguration(DashboardOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<DashboardSnapshotService>();
        services.AddHostedService(sp => sp.GetRequiredService<DashboardSnapshotService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, DashboardAccessHandler>());
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p.AddRequirements(new DashboardAccessRequirement()));
        return services;
    }

    /// <summary>Maps <c>/dashboard</c>, <c>/dashboard/assets/{name}</c> and <c>/dashboard/api/snapshot</c>.</summary>
    public static RouteGroupBuilder MapDashboard(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/dashboard").WithTags("Operations");

        group.MapGet("", Page)
            .WithName("DashboardPage")
            .ExcludeFromDescription()
            .AllowAnonymous()
            .DisableRateLimiting();

        group.MapGet("/assets/{name}", Asset)
            .WithName("DashboardAsset")
            .ExcludeFromDescription()
            .AllowAnonymous()
            .DisableRateLimiting();

        group.MapGet("/api/snapshot", SnapshotAsync)
            .WithName("GetDashboardSnapshot")
            .WithSummary("Live runtime, account, transaction and chain state for the dashboard (admin)")
            .WithDescription("Needs the admin key, except for loopback requests when the silo runs in Development and listens on loopback only.")
            .RequireAuthorization(Policy)
            .ProducesProblems(401, 403, 429);

        return group;
    }

    /// <summary>GET /dashboard.</summary>
    internal static IResult Page(HttpContext http) => Serve(http, "dashboard.html");

    /// <summary>GET /dashboard/assets/{name}: the page's script and style sheet.</summary>
    internal static IResult Asset(HttpContext http, string name) =>
        name.EndsWith(".html", StringComparison.Ordinal) ? TypedResults.NotFound() : Serve(http, name);

    /// <summary>GET /dashboard/api/snapshot.</summary>
    internal static async Task<Ok<DashboardSnapshot>> SnapshotAsync(
        HttpContext http,
        [FromServices] DashboardSnapshotService dashboard,
        CancellationToken cancellationToken)
    {
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(await dashboard.GetSnapshotAsync(cancellationToken));
    }

    private static IResult Serve(HttpContext http, string name)
    {
        if (!Assets.TryGetValue(name, out var asset))
        {
            return TypedResults.NotFound();
        }

        var headers = http.Response.Headers;
        headers.CacheControl = "no-cache";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        // The admin key arrives in the URL fragment; browsers never send fragments, and no referrer leaves either.
        headers["Referrer-Policy"] = "no-referrer";
        return TypedResults.Bytes(asset.Body, asset.ContentType);
    }

    private static FrozenDictionary<string, (string, byte[])> LoadAssets()
    {
        var assembly = typeof(DashboardApi).Assembly;
        var assets = new Dictionary<string, (string, byte[])>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var name = resource[ResourcePrefix.Length..];
            var contentType = Path.GetExtension(name) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".svg" => "image/svg+xml",
                var other => throw new InvalidOperationException($"Dashboard asset '{name}' has extension '{other}', which has no content type here."),
            };
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            assets[name] = (contentType, buffer.ToArray());
        }

        return assets.ContainsKey("dashboard.html")
            ? assets.ToFrozenDictionary(StringComparer.Ordinal)
            : throw new InvalidOperationException($"The dashboard page is not embedded in {assembly.GetName().Name} (resources under '{ResourcePrefix}').");
    }
}
