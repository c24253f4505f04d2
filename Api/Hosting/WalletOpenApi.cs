using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace WalletGrains.Api;

/// <summary>
/// Completes the OpenAPI document: title, the bearer security scheme, a security requirement on every
/// route that needs a key, and the <c>code</c>/<c>traceId</c> extensions of ProblemDetails.
/// </summary>
internal static class WalletOpenApi
{
    /// <summary>The document name, served at <c>/openapi/v1.json</c>.</summary>
    public const string DocumentName = "v1";

    /// <summary>The security scheme's name in the document.</summary>
    public const string SecuritySchemeName = "ApiKey";

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer(static (document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "WalletGrains API",
                Version = "v1",
                Description = "Custodial EVM wallet service. Wei amounts are decimal strings (0x-hex accepted on input), bytes are 0x-hex, "
                    + "addresses EIP-55 on output. Errors are RFC 7807 ProblemDetails with a stable 'code' extension.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SecuritySchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "wg_ API key",
                Description = "Authorization: Bearer <api key>. Roles: admin, sender, reader.",
            };
            return Task.CompletedTask;
        });

        options.AddOperationTransformer(static (operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any())
            {
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement
                {
                    [new OpenApiSecuritySchemeReference(SecuritySchemeName, context.Document)] = [],
                });
            }

            return Task.CompletedTask;
        });

        options.AddSchemaTransformer(static (schema, context, _) =>
        {
            if (context.JsonTypeInfo.Type == typeof(ProblemDetails))
            {
                schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
                schema.Properties[ApiErrorCodes.CodeExtension] = new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Description = "Stable error code, e.g. invalid_address, unknown_account, insufficient_funds, rate_limited.",
                };
                schema.Properties[ProblemWriter.TraceIdExtension] = new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Description = "Trace id to find the request in the server log.",
                };
            }

            return Task.CompletedTask;
        });
    }
}
