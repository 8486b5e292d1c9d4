package io.keyhook.server.web;

import io.keyhook.server.KeyhookAppTest;
import org.junit.jupiter.api.Test;

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
