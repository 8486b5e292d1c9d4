package io.keyhook.server.infra;

import com.fasterxml.jackson.databind.JsonNode;
import io.keyhook.server.Api;
import io.keyhook.server.Api.Session;
import io.keyhook.server.SecondApplication;
import io.keyhook.server.infra.postgres.EmbeddedPostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.http.MediaType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

/** Two lives of the application on one data dir: the second finds everything the first wrote. */
class RestartTest {

    @TempDir
    Path dataDir;

    @Test
    void usersItemsKeysAndTheSigningKeySurviveAndProjectionsResumeWhereTheyStopped() throws Exception {
        Session admin;
        String itemId;
        String signingKey;
        String apiKey;
        try (ConfigurableApplicationContext first = start()) {
            Api api = SecondApplication.api(first);
            admin = api.signup("Acme");
            itemId = api.createItem(admin, "Bolt", 10, 3).get("id").asText();
            apiKey = api.issueKey(admin, Map.of("name", "survivor", "scopes", java.util.List.of("items:read")))
                    .get("key").asText();
            signingKey = Files.readString(dataDir.resolve("jwt-signing-key.json"));
            // A mark no event can produce, on a document a replay from the start would rewrite.
            first.getBean(ReactiveMongoTemplate.class).updateFirst(query(where("_id").is(itemId)),
                    new Update().set("description", "written before the restart").set("version", -1L), "items")
                    .block(Duration.ofSeconds(10));
        }

        // PostgreSQL is stopped with the application, after everything that used it.
        assertThat(EmbeddedPostgresServer.postmasterOf(dataDir.resolve(EmbeddedPostgresServer.DIRECTORY))).isEmpty();

        try (ConfigurableApplicationContext second = start()) {
            Api api = SecondApplication.api(second);
            assertThat(Files.readString(dataDir.resolve("jwt-signing-key.json"))).isEqualTo(signingKey);
            // The pepper was generated once into the data dir and read back, so the key still matches.
            api.withKey(apiKey).get("/api/v1/items").expectStatus().isOk();

            api.get(admin, "/api/v1/auth/me").expectStatus().isOk()
                    .expectBody().jsonPath("$.organizationName").isEqualTo("Acme");
            api.http().post().uri("/api/v1/auth/login").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("email", admin.email(), "password", "correct horse"))
                    .exchange().expectStatus().isOk();

            // Once a new item is readable, the items processor has passed every older event.
            JsonNode newer = api.createItem(admin, "Nut", 5, 1);
            assertThat(newer.get("name").asText()).isEqualTo("Nut");
            api.get(admin, "/api/v1/items/" + itemId).expectStatus().isOk().expectBody()
                    .jsonPath("$.name").isEqualTo("Bolt")
                    .jsonPath("$.description").isEqualTo("written before the restart");
            api.get(admin, "/api/v1/items").expectStatus().isOk().expectBody().jsonPath("$.total").isEqualTo(2);
        }
    }

    private ConfigurableApplicationContext start() {
        return SecondApplication.start(dataDir);
    }
}
