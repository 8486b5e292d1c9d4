package io.keyhook.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The REST API as a client sees it, for tests. */
public record Api(WebTestClient http) {

    public static final String FORWARDED_FOR = "X-Forwarded-For";
    /** The installation's operator in whole-app tests ({@code keyhook.operators}). */
    public static final String OPERATOR_EMAIL = "operator@example.com";
    private static final AtomicInteger ADDRESSES = new AtomicInteger();

    public record Session(String organizationId, String userId, String email, String token) {
        public String bearer() {
            return "Bearer " + token;
        }
    }

    public static String uniqueEmail(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    }

    public Session signup(String organization) {
        String email = uniqueEmail("admin");
        JsonNode body = http.post().uri("/api/v1/auth/signup").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("organization", organization, "email", email, "password", "correct horse"))
                .exchange()
                .expectStatus().isCreated()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(body).isNotNull();
        return new Session(body.get("organizationId").asText(), body.get("userId").asText(), email,
                body.get("token").asText());
    }

    /** The operator's session: signed up on first use, logged in after that. */
    public Session operator() {
        var signup = http.post().uri("/api/v1/auth/signup").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("organization", "Operations", "email", OPERATOR_EMAIL, "password", "correct horse"))
                .exchange().expectBody(JsonNode.class).returnResult();
        if (signup.getStatus().value() == 201) {
            JsonNode body = signup.getResponseBody();
            return new Session(body.get("organizationId").asText(), body.get("userId").asText(), OPERATOR_EMAIL,
                    body.get("token").asText());
        }
        String token = http.post().uri("/api/v1/auth/login").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", OPERATOR_EMAIL, "password", "correct horse")).exchange()
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody().get("token").asText();
        JsonNode me = http.get().uri("/api/v1/auth/me").header(HttpHeaders.AUTHORIZATION, "Bearer " + token).exchange()
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
        return new Session(me.get("organizationId").asText(), me.get("userId").asText(), OPERATOR_EMAIL, token);
    }

    public WebTestClient.ResponseSpec post(Session session, String path, Object body) {
        return http.post().uri(path).header(HttpHeaders.AUTHORIZATION, session.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    public WebTestClient.ResponseSpec put(Session session, String path, Object body) {
        return http.put().uri(path).header(HttpHeaders.AUTHORIZATION, session.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    public WebTestClient.ResponseSpec get(Session session, String path) {
        return http.get().uri(path).header(HttpHeaders.AUTHORIZATION, session.bearer()).exchange();
    }

    public WebTestClient.ResponseSpec delete(Session session, String path) {
        return http.delete().uri(path).header(HttpHeaders.AUTHORIZATION, session.bearer()).exchange();
    }

    public JsonNode issueKey(Session session, Map<String, ?> request) {
        JsonNode body = post(session, "/api/v1/api-keys", request)
                .expectStatus().isCreated()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(body).isNotNull();
        return body;
    }

    /**
     * Waits for the subscription's newest delivery to have this status (a retrying one also with its
     * next attempt scheduled) and returns it.
     */
    public JsonNode awaitLatestDelivery(Session session, String subscriptionId, String status) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode deliveries = get(session, "/api/v1/webhooks/" + subscriptionId + "/deliveries").expectStatus().isOk()
                    .expectBody(JsonNode.class).returnResult().getResponseBody().get("deliveries");
            assertThat(deliveries).isNotEmpty();
            JsonNode delivery = deliveries.get(0);
            assertThat(delivery.get("status").asText()).isEqualTo(status);
            if (status.equals("retrying")) {
                assertThat(delivery.has("nextAttemptAt")).isTrue();
            }
            found[0] = delivery;
        });
        return found[0];
    }

    public KeyClient withKey(String key) {
        return new KeyClient(http, key, nextClientAddress());
    }

    /** A client address of its own, so one test's failed attempts never lock out another's. */
    public static String nextClientAddress() {
        int n = ADDRESSES.incrementAndGet();
        return "10." + (n >> 16 & 255) + "." + (n >> 8 & 255) + "." + (n & 255);
    }

    /** Requests made with an API key (in {@code X-API-Key}) from one client address. */
    public record KeyClient(WebTestClient http, String key, String clientAddress) {

        public KeyClient from(String address) {
            return new KeyClient(http, key, address);
        }

        public WebTestClient.ResponseSpec get(String path) {
            return http.get().uri(path).header("X-API-Key", key).header(FORWARDED_FOR, clientAddress).exchange();
        }

        public WebTestClient.ResponseSpec getAsBearer(String path) {
            return http.get().uri(path).header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                    .header(FORWARDED_FOR, clientAddress).exchange();
        }

        public WebTestClient.ResponseSpec post(String path, Object body) {
            return http.post().uri(path).header("X-API-Key", key).header(FORWARDED_FOR, clientAddress)
                    .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
        }

        public WebTestClient.ResponseSpec delete(String path) {
            return http.delete().uri(path).header("X-API-Key", key).header(FORWARDED_FOR, clientAddress).exchange();
        }
    }

    public JsonNode createItem(Session session, String name, int quantity, int threshold) {
        return post(session, "/api/v1/items", Map.of("name", name, "sku", "SKU-1", "quantity", quantity,
                "lowStockThreshold", threshold))
                .expectStatus().isCreated()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
    }
}
