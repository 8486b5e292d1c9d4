package io.keyhook.server.web;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeIn;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import io.swagger.v3.oas.annotations.security.SecuritySchemes;
import org.springframework.context.annotation.Configuration;

/** Either credential works on every endpoint (the API browser offers both): a login token or an API key. */
@Configuration
@OpenAPIDefinition(
        info = @Info(title = "Keyhook API", version = "v1",
                description = "API keys and webhooks for your inventory. Errors are RFC 9457 problems."),
        security = {@SecurityRequirement(name = OpenApiConfig.BEARER), @SecurityRequirement(name = OpenApiConfig.API_KEY)})
@SecuritySchemes({
        @SecurityScheme(name = OpenApiConfig.BEARER, type = SecuritySchemeType.HTTP, scheme = "bearer",
                bearerFormat = "JWT", description = "A token from POST /api/v1/auth/login or /signup"),
        @SecurityScheme(name = OpenApiConfig.API_KEY, type = SecuritySchemeType.APIKEY, in = SecuritySchemeIn.HEADER,
                paramName = "X-API-Key", description = "An API key (kh_live_... or kh_test_...) from POST /api/v1/api-keys; "
                + "Authorization: Bearer kh_... works too")
})
public class OpenApiConfig {

    public static final String BEARER = "bearer-jwt";
    public static final String API_KEY = "api-key";
}
