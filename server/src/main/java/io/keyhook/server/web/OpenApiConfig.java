package io.keyhook.server.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.keyhook.server.infra.KeyhookProperties;
import io.keyhook.server.security.JwtSigningKey;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeIn;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import io.swagger.v3.oas.annotations.security.SecuritySchemes;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Either credential works on every endpoint (the API browser offers both): a login token or an API key. */
@Configuration
@OpenAPIDefinition(
        info = @Info(title = "Keyhook API", version = "v1",
                summary = "Self-hosted API keys and webhooks for an inventory application",
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
    static final String PROBLEM = "Problem";

    /**
     * Every operation declares the problems it can answer: 400 for any request (a malformed one, an
     * unknown field or parameter), 401, 403 and 429 where a credential is needed, 404 where the path
     * names a resource, 409 where a write can conflict ({@link ApiConflicts}). An operation's own
     * declaration of a status wins. Then every request body,
     * success answer and problem gets its example ({@link ApiExamples}).
     */
    @Bean
    OpenApiCustomizer problemsAndExamples(ObjectMapper json, KeyhookProperties properties, JwtSigningKey signingKey) {
        ApiExamples examples = new ApiExamples(json, properties, signingKey.publicKeys().toJSONObject(true));
        return openApi -> {
            openApi.getComponents().addSchemas(PROBLEM, new ObjectSchema()
                    .description("An RFC 9457 problem")
                    .addProperty("type", new StringSchema().description("A URI naming the kind of problem"))
                    .addProperty("title", new StringSchema())
                    .addProperty("status", new IntegerSchema())
                    .addProperty("detail", new StringSchema())
                    .addProperty("instance", new StringSchema())
                    .addProperty("errors", new ArraySchema().description("For invalid input: each invalid field")
                            .items(new ObjectSchema()
                                    .addProperty("field", new StringSchema())
                                    .addProperty("message", new StringSchema())))
                    .addProperty("requiredScope", new StringSchema()
                            .description("For missing-scope: the scope the request needs"))
                    .addProperty("reason", new StringSchema()
                            .description("For a refused API key: the reason its usage audit records")));
            openApi.getPaths().forEach((path, item) -> item.readOperations().forEach(operation -> {
                ApiResponses responses = operation.getResponses();
                problem(responses, "400", "The request is malformed or not valid");
                boolean open = operation.getSecurity() != null && operation.getSecurity().isEmpty();
                if (path.startsWith("/api/") && !open) {
                    problem(responses, "401", "No valid credential");
                    problem(responses, "403", "The credential may not do this");
                    problem(responses, "429", "Too many requests with this credential");
                }
                ApiConflicts.of(method(item, operation), path).ifPresent(conflict -> problem(responses, "409",
                        conflict.problem().getTitle() + ": " + conflict.problem().getDetail()));
                if (path.contains("{id}")) {
                    problem(responses, "404", "Not found in this organization");
                }
            }));
            examples.addTo(openApi);
        };
    }

    private static String method(PathItem item, Operation operation) {
        return item.readOperationsMap().entrySet().stream().filter(entry -> entry.getValue() == operation)
                .map(entry -> entry.getKey().name()).findFirst().orElseThrow();
    }

    private static void problem(ApiResponses responses, String status, String description) {
        if (!responses.containsKey(status)) {
            responses.addApiResponse(status, new ApiResponse().description(description).content(new Content()
                    .addMediaType("application/problem+json", new MediaType()
                            .schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM)))));
        }
    }
}
