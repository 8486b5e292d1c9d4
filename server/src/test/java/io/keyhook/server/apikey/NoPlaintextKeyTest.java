package io.keyhook.server.apikey;

import com.fasterxml.jackson.databind.JsonNode;
import io.keyhook.server.Api.KeyClient;
import io.keyhook.server.Api.Session;
import io.keyhook.server.KeyhookAppTest;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.jdbc.core.JdbcTemplate;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** After a whole life of keys, no secret part of any of them is in the event store, the read models or the logs. */
@ExtendWith(OutputCaptureExtension.class)
class NoPlaintextKeyTest extends KeyhookAppTest {

    @Autowired
    private JdbcTemplate jdbc;

    @Autowired
    private ReactiveMongoTemplate mongo;

    @Test
    void noKeyIsStoredOrLoggedInPlaintext(CapturedOutput output) {
        Session admin = api.signup("Acme");
        JsonNode issued = api.issueKey(admin, Map.of("name", "full life", "scopes", List.of("items:read", "keys:write")));
        String id = issued.get("id").asText();
        String first = issued.get("key").asText();
        KeyClient client = api.withKey(first);
        client.get("/api/v1/items").expectStatus().isOk();
        client.post("/api/v1/items", Map.of("name", "x", "quantity", 1)).expectStatus().isForbidden();
        String second = api.post(admin, "/api/v1/api-keys/" + id + "/rotate", Map.of("gracePeriodSeconds", 60))
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody().get("key").asText();
        api.withKey(second).get("/api/v1/items").expectStatus().isOk();
        String third = api.withKey(second).post("/api/v1/api-keys/" + id + "/rotate", Map.of("gracePeriodSeconds", 0))
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody().get("key").asText();
        api.withKey(first).get("/api/v1/items").expectStatus().isUnauthorized();
        api.delete(admin, "/api/v1/api-keys/" + id).expectStatus().isNoContent();
        api.withKey(third).get("/api/v1/items").expectStatus().isUnauthorized();
        // Five attempts name the key; the first secret, rotated out twice, is no longer known at all.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                api.get(admin, "/api/v1/api-keys/" + id + "/usage").expectStatus().isOk()
                        .expectBody().jsonPath("$.total").isEqualTo(5));

        String eventStore = String.join("\n", jdbc.query("SELECT payload, metaData FROM DomainEventEntry",
                (row, n) -> new String(row.getBytes(1), StandardCharsets.UTF_8)
                        + new String(row.getBytes(2), StandardCharsets.UTF_8)));
        String readModels = String.join("\n", mongo.getCollectionNames()
                .flatMap(collection -> mongo.findAll(Document.class, collection))
                .map(Document::toJson)
                .collectList().block(Duration.ofSeconds(10)));

        assertThat(eventStore).contains(id).contains(issued.get("prefix").asText());
        assertThat(readModels).contains(id);
        for (String key : List.of(first, second, third)) {
            String secret = key.substring(16);
            assertThat(eventStore).doesNotContain(secret);
            assertThat(readModels).doesNotContain(secret);
            assertThat(output.getAll()).doesNotContain(secret);
        }
    }
}
