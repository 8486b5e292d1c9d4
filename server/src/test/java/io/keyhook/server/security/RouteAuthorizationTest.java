package io.keyhook.server.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keyhook.server.Api;
import io.keyhook.server.Api.Session;
import io.keyhook.server.KeyhookAppTest;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RouteScopes} is the one place that says what a route needs: every operation of the API
 * either needs a scope by it or is one of the few that need only a credential, and a login token
 * whose role lacks the scope is refused by the security chain before any controller runs.
 */
class RouteAuthorizationTest extends KeyhookAppTest {

    /** Routes any authenticated caller may use; a new one must be added here on purpose. */
    private static final Set<String> CREDENTIAL_ONLY = Set.of(
            "GET /api/v1/auth/me",
            "GET /api/v1/webhooks/event-types");

    @Test
    void everyOperationNeedsAScopeOrIsKnownToNeedOnlyACredential() throws Exception {
        JsonNode document = new ObjectMapper().readTree(api.http().get().uri("/v3/api-docs").exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody());
        Set<String> credentialOnly = new TreeSet<>();
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(method -> {
            JsonNode operation = method.getValue();
            boolean open = operation.has("security") && operation.path("security").isEmpty();
            if (!path.getKey().startsWith("/api/") || open) {
                return;
            }
            String concrete = path.getKey().replaceAll("\\{[^}]+}", "x1");
            if (RouteScopes.required(HttpMethod.valueOf(method.getKey().toUpperCase()), concrete).isEmpty()) {
                credentialOnly.add(method.getKey().toUpperCase() + " " + path.getKey());
            }
        }));
        assertThat(credentialOnly).containsExactlyInAnyOrderElementsOf(CREDENTIAL_ONLY);
    }

    @Test
    void aLoginTokenWithoutTheScopeIsRefusedWithTheScopeItLacks() {
        Session admin = api.signup("Scoped");
        String email = Api.uniqueEmail("member");
        api.post(admin, "/api/v1/users", Map.of("email", email, "password", "member pass 3", "role", "member"))
                .expectStatus().isCreated();
        String token = api.http().post().uri("/api/v1/auth/login").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", email, "password", "member pass 3")).exchange()
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody().get("token").asText();
        Session member = new Session(admin.organizationId(), null, email, token);

        api.post(member, "/api/v1/users", Map.of("email", Api.uniqueEmail("other"), "password", "member pass 4",
                        "role", "member"))
                .expectStatus().isForbidden()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("urn:keyhook:problem:missing-scope")
                .jsonPath("$.requiredScope").isEqualTo("admin");
        api.get(member, "/api/v1/items").expectStatus().isOk();
    }
}
