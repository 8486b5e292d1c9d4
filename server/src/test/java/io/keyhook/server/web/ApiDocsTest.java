package io.keyhook.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keyhook.server.KeyhookAppTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

class ApiDocsTest extends KeyhookAppTest {

    @Test
    void theOpenApiDocumentDeclaresBothSchemesAndHidesTheCaller() {
        api.http().get().uri("/v3/api-docs").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.components.securitySchemes.bearer-jwt.scheme").isEqualTo("bearer")
                .jsonPath("$.components.securitySchemes.bearer-jwt.bearerFormat").isEqualTo("JWT")
                .jsonPath("$.components.securitySchemes.api-key.type").isEqualTo("apiKey")
                .jsonPath("$.components.securitySchemes.api-key.in").isEqualTo("header")
                .jsonPath("$.components.securitySchemes.api-key.name").isEqualTo("X-API-Key")
                .jsonPath("$.security[*]").value(requirements -> assertThat(requirements.toString())
                        .contains("bearer-jwt").contains("api-key"))
                .jsonPath("$.paths['/api/v1/api-keys/{id}/rotate'].post").exists()
                .jsonPath("$.paths['/api/v1/admin/replays'].post").exists()
                .jsonPath("$.paths['/api/v1/items'].post").exists()
                .jsonPath("$.paths['/api/v1/auth/signup'].post.security.length()").isEqualTo(0)
                .jsonPath("$.paths['/api/v1/items'].get.parameters[?(@.name == 'caller')]").doesNotExist();
    }

    /**
     * What {@code redocly lint} checks under its recommended rules, as a test: every operation has a
     * summary and declares a 4xx response, and each declared problem is an RFC 9457 document.
     */
    @Test
    void everyOperationHasASummaryAndItsProblems() throws Exception {
        JsonNode document = new ObjectMapper().readTree(api.http().get().uri("/v3/api-docs").exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody());
        List<String> operations = new ArrayList<>();
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(method -> {
            String name = method.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey();
            JsonNode operation = method.getValue();
            operations.add(name);
            assertThat(operation.path("summary").asText()).as(name + " summary").isNotBlank();
            List<String> problems = new ArrayList<>();
            operation.path("responses").fields().forEachRemaining(response -> {
                if (response.getKey().startsWith("4")) {
                    problems.add(response.getKey());
                    assertThat(response.getValue().path("content").has("application/problem+json"))
                            .as(name + " " + response.getKey() + " is a problem").isTrue();
                }
            });
            assertThat(problems).as(name + " 4xx responses").contains("400");
            if (path.getKey().startsWith("/api/") && !operation.has("security")) {
                assertThat(problems).as(name + " needs a credential").contains("401", "403");
            }
            if (path.getKey().contains("{id}")) {
                assertThat(problems).as(name + " names a resource").contains("404");
            }
        }));
        assertThat(operations).hasSizeGreaterThan(30).contains("POST /api/v1/items", "GET /.well-known/jwks.json");
        assertThat(document.at("/components/schemas/Problem/properties/type").isMissingNode()).isFalse();
    }

    @Test
    void theApiBrowserAndHealthAreServedWithoutCredentials() {
        String page = api.http().get().uri("/webjars/swagger-ui/index.html").exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(page).contains("swagger-ui");
        api.http().get().uri("/swagger-ui.html").exchange().expectStatus().is3xxRedirection();
        api.http().get().uri("/actuator/health").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP");
    }
}
