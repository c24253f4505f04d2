using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WalletGrains.Grains;

namespace WalletGrains.Api;

/// <summary>
/// Authentication scheme <c>"ApiKey"</c>: <c>Authorization: Bearer &lt;key&gt;</c> (keys never travel in
/// query strings). A missing or unknown key is answered 401 <c>unauthorized</c>, a role that may not use
/// the route 403 <c>forbidden</c>, both as ProblemDetails.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiKeyAuthenticator authenticator)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    /// <summary>The scheme name.</summary>
    public const string SchemeName = "ApiKey";

    /// <summary>Claim type of the API key id.</summary>
    public const string KeyIdClaim = "wallet:key_id";

    private const string BearerPrefix = "Bearer ";

    private readonly ILogger _log = loggerFactory.CreateLogger<ApiKeyAuthenticationHandler>();

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization;
        if (header.Count == 0)
        {
            return AuthenticateResult.NoResult();
        }

        if (header.Count > 1)
        {
            return Failed("The request has several Authorization headers.");
        }

        var value = header[0] ?? "";
        if (!value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return Failed("The Authorization header must be 'Bearer <api key>'.");
        }

        var caller = await authenticator.AuthenticateAsync(value[BearerPrefix.Length..].Trim(), Context.RequestAborted);
        if (caller is null)
        {
            return Failed("The API key is not valid (unknown or revoked).");
        }

        Context.Features.Set(caller);
        var identity = new ClaimsIdentity(
            [new Claim(KeyIdClaim, caller.KeyId), new Claim(ClaimTypes.Role, caller.Role)],
            SchemeName,
            KeyIdClaim,
            ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var detail = result.Failure?.Message ?? "An API key is required: send 'Authorization: Bearer <api key>'.";
        Response.Headers.WWWAuthenticate = "Bearer";
        await ProblemWriter.WriteAsync(Context, ApiProblem.For(WalletErrorCodes.Unauthorized, detail));
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var role = Context.Features.Get<ApiCaller>()?.Role ?? "unknown";
        await ProblemWriter.WriteAsync(
            Context,
            ApiProblem.For(WalletErrorCodes.Forbidden, $"An API key with role '{role}' may not use {Request.Method} {Request.Path}."));
    }

    private AuthenticateResult Failed(string reason)
    {
        Log.AuthenticationFailed(_log, reason);
        return AuthenticateResult.Fail(reason);
    }
}
