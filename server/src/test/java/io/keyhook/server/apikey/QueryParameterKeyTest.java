package io.keyhook.server.apikey;

import io.keyhook.server.Api;
import io.keyhook.server.KeyhookApplication;
import io.keyhook.server.OwnNettyResources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * With {@code keyhook.api-keys.allow-query-param=true} a key may come as {@code ?api_key=}, also on
 * endpoints that refuse query parameters they do not declare.
 */
class QueryParameterKeyTest {

    @TempDir
    Path dataDir;

    @Test
    void aKeyInTheQueryAuthenticatesWhenEnabledBesideTheEndpointsOwnParameters() {
        System.setProperty("axoniq.update-checker.disabled", "true");
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(KeyhookApplication.class,
                OwnNettyResources.class).run("--keyhook.data-dir=" + dataDir, "--server.port=0",
                "--keyhook.api-keys.allow-query-param=true")) {
            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            Api api = new Api(WebTestClient.bindToServer().baseUrl("http://localhost:" + port)
                    .responseTimeout(Duration.ofSeconds(30)).build());
            String key = api.issueKey(api.signup("Acme"), Map.of("name", "sheet", "scopes", List.of("items:read")))
                    .get("key").asText();

            api.http().get().uri("/api/v1/items?page=0&size=5&api_key=" + key).exchange()
                    .expectStatus().isOk()
                    .expectBody().jsonPath("$.size").isEqualTo(5);
            api.http().get().uri("/api/v1/items?sort=name&api_key=" + key).exchange()
                    .expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.errors[0].field").isEqualTo("sort");
        }
    }
}
