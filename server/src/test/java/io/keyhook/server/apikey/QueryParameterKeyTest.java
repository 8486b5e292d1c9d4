package io.keyhook.server.apikey;

import io.keyhook.server.Api;
import io.keyhook.server.SecondApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Path;
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
        try (ConfigurableApplicationContext app = SecondApplication.start(dataDir,
                "--keyhook.api-keys.allow-query-param=true")) {
            Api api = SecondApplication.api(app);
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
