package io.keyhook.server.apikey;

import com.fasterxml.jackson.databind.JsonNode;
import io.keyhook.api.apikey.ApiKeyUsageRecorded;
import io.keyhook.api.apikey.UsageReason;
import io.keyhook.server.Api;
import io.keyhook.server.Api.KeyClient;
import io.keyhook.server.Api.Session;
import io.keyhook.server.KeyhookAppTest;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.http.MediaType;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class UsageAuditTest extends KeyhookAppTest {

    private static final String ITEMS = "/api/v1/items";

    @Autowired
    private EventStore eventStore;

    @Autowired
    private ReactiveMongoTemplate mongo;

    @Autowired
    private EventProcessingConfiguration processing;

    @Autowired
    private TokenStore tokenStore;

    @Test
    void allowedAndDeniedAttemptsAreAuditedWithTheirDetails() {
        Session admin = api.signup("Acme");
        JsonNode issued = api.issueKey(admin, Map.of("name", "audited", "scopes", List.of("items:read")));
        String id = issued.get("id").asText();
        KeyClient client = api.withKey(issued.get("key").asText());
        Instant before = Instant.now().minusSeconds(1);

        api.http().get().uri(ITEMS).header("X-API-Key", client.key()).header(Api.FORWARDED_FOR, client.clientAddress())
                .header("User-Agent", "inventory-sync/1.0").exchange().expectStatus().isOk();
        client.post(ITEMS, Map.of("name", "Bolt", "quantity", 1)).expectStatus().isForbidden();

        JsonNode trail = awaitTrail(admin, id, 2);
        JsonNode denied = trail.get("entries").get(0);
        JsonNode allowed = trail.get("entries").get(1);
        assertThat(denied.get("outcome").asText()).isEqualTo("denied");
        assertThat(denied.get("reason").asText()).isEqualTo("missing_scope");
        assertThat(denied.get("method").asText()).isEqualTo("POST");
        assertThat(denied.get("detail").asText()).contains("items:write");
        assertThat(allowed.get("outcome").asText()).isEqualTo("allowed");
        assertThat(allowed.get("path").asText()).isEqualTo(ITEMS);
        assertThat(allowed.get("clientIp").asText()).isEqualTo(client.clientAddress());
        assertThat(allowed.get("userAgent").asText()).isEqualTo("inventory-sync/1.0");
        assertThat(allowed.get("prefix").asText()).isEqualTo(issued.get("prefix").asText());
        assertThat(Instant.parse(allowed.get("at").asText())).isAfter(before);

        api.get(admin, "/api/v1/api-keys/" + id + "/usage?outcome=denied").expectStatus().isOk().expectBody()
                .jsonPath("$.total").isEqualTo(1).jsonPath("$.entries[0].reason").isEqualTo("missing_scope");
        api.get(admin, "/api/v1/api-keys/" + id + "/usage?to=" + before).expectStatus().isOk().expectBody()
                .jsonPath("$.total").isEqualTo(0);
        api.get(admin, "/api/v1/api-keys/" + id + "/usage?outcome=maybe").expectStatus().isBadRequest();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> api.get(admin, "/api/v1/api-keys/" + id + "/usage/daily")
                .expectStatus().isOk().expectBody()
                .jsonPath("$[0].allowed").isEqualTo(1)
                .jsonPath("$[0].denied").isEqualTo(1)
                .jsonPath("$[0].byReason.missing_scope").isEqualTo(1));
        api.get(admin, "/api/v1/api-keys/" + id).expectStatus().isOk().expectBody().jsonPath("$.lastUsedAt").exists();
    }

    @Test
    void theTrailExportsAsNdjson() {
        Session admin = api.signup("Acme");
        JsonNode issued = api.issueKey(admin, Map.of("name", "exported", "scopes", List.of("items:read")));
        KeyClient client = api.withKey(issued.get("key").asText());
        for (int i = 0; i < 3; i++) {
            client.get(ITEMS).expectStatus().isOk();
        }
        awaitTrail(admin, issued.get("id").asText(), 3);

        String ndjson = api.http().get().uri("/api/v1/api-keys/" + issued.get("id").asText() + "/usage")
                .header("Authorization", admin.bearer()).accept(MediaType.APPLICATION_NDJSON).exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_NDJSON)
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(ndjson.lines().toList()).hasSize(3).allSatisfy(line -> assertThat(line).startsWith("{\"id\":")
                .contains("\"reason\":\"ok\""));
    }

    @Test
    void anAttemptWithAnUnknownKeyIsRecordedByItsPrefixOnly() {
        String stranger = io.keyhook.command.apikey.ApiKeyFormat.generate(io.keyhook.api.apikey.Environment.TEST,
                new java.security.SecureRandom()).plaintext();
        String address = Api.nextClientAddress();

        api.withKey(stranger).from(address).get(ITEMS).expectStatus().isUnauthorized();

        List<ApiKeyUsageRecorded> recorded = usageEvents().filter(event -> address.equals(event.clientIp())).toList();
        assertThat(recorded).singleElement().satisfies(event -> {
            assertThat(event.reason()).isEqualTo(UsageReason.UNKNOWN_KEY);
            assertThat(event.keyId()).isNull();
            assertThat(event.presentedPrefix()).isEqualTo(stranger.substring(0, 16));
        });
    }

    @Test
    void aReplayRebuildsAnIdenticalTrail() {
        Session admin = api.signup("Acme");
        JsonNode issued = api.issueKey(admin, Map.of("name", "replayed", "scopes", List.of("items:read")));
        String id = issued.get("id").asText();
        KeyClient client = api.withKey(issued.get("key").asText());
        client.get(ITEMS).expectStatus().isOk();
        client.post(ITEMS, Map.of("name", "Bolt", "quantity", 1)).expectStatus().isForbidden();
        client.get("/api/v1/auth/me").expectStatus().isOk();
        awaitTrail(admin, id, 3);
        String trailBefore = export(admin, id);
        String dailyBefore = daily(admin, id);
        String keyBefore = api.get(admin, "/api/v1/api-keys/" + id).expectBody(String.class).returnResult().getResponseBody();

        Stream.of("api_key_usage", "api_key_daily_usage", "api_key_last_use")
                .forEach(collection -> mongo.remove(new Query(), collection).block(Duration.ofSeconds(10)));
        assertThat(export(admin, id)).isEmpty();

        Session operator = api.operator();
        JsonNode replay = api.post(operator, "/api/v1/admin/replays", Map.of("processingGroup", "api-key-usage"))
                .expectStatus().isAccepted()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(replay.get("eventsTotal").asLong()).isPositive();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                api.get(operator, "/api/v1/admin/replays/" + replay.get("id").asText()).expectStatus().isOk()
                        .expectBody().jsonPath("$.done").isEqualTo(true)
                        .jsonPath("$.eventsReplayed").isEqualTo(replay.get("eventsTotal").asLong()));

        assertThat(export(admin, id)).isEqualTo(trailBefore);
        assertThat(daily(admin, id)).isEqualTo(dailyBefore);
        assertThat(api.get(admin, "/api/v1/api-keys/" + id).expectBody(String.class).returnResult().getResponseBody())
                .isEqualTo(keyBefore);
    }

    @Test
    void anOrganizationsAdminRebuildsOneKeysAuditWhileTheProjectionGoesOn() {
        Session admin = api.signup("Acme");
        JsonNode rebuilt = api.issueKey(admin, Map.of("name", "rebuilt", "scopes", List.of("items:read")));
        JsonNode other = api.issueKey(admin, Map.of("name", "other", "scopes", List.of("items:read")));
        String id = rebuilt.get("id").asText();
        String otherId = other.get("id").asText();
        KeyClient client = api.withKey(rebuilt.get("key").asText());
        KeyClient otherClient = api.withKey(other.get("key").asText());
        client.get(ITEMS).expectStatus().isOk();
        client.post(ITEMS, Map.of("name", "Bolt", "quantity", 1)).expectStatus().isForbidden();
        client.get("/api/v1/auth/me").expectStatus().isOk();
        otherClient.get(ITEMS).expectStatus().isOk();
        awaitTrail(admin, id, 3);
        awaitTrail(admin, otherId, 1);
        String trailBefore = export(admin, id);
        String dailyBefore = daily(admin, id);
        String otherBefore = export(admin, otherId);

        Query ofKey = Query.query(Criteria.where("keyId").is(id));
        Stream.of("api_key_usage", "api_key_daily_usage")
                .forEach(collection -> mongo.remove(ofKey, collection).block(Duration.ofSeconds(10)));
        assertThat(export(admin, id)).isEmpty();

        Session stranger = api.signup("Elsewhere");
        api.post(stranger, "/api/v1/api-keys/" + id + "/usage/rebuild", Map.of()).expectStatus().isNotFound();
        JsonNode started = api.post(admin, "/api/v1/api-keys/" + id + "/usage/rebuild", Map.of())
                .expectStatus().isAccepted()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        otherClient.get(ITEMS).expectStatus().isOk();
        String progress = "/api/v1/api-keys/" + id + "/usage/rebuild/" + started.get("id").asText();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> api.get(admin, progress).expectStatus().isOk()
                .expectBody().jsonPath("$.done").isEqualTo(true).jsonPath("$.entriesRebuilt").isEqualTo(3));
        api.get(admin, progress).expectBody().jsonPath("$.failure").doesNotExist();

        assertThat(export(admin, id)).isEqualTo(trailBefore);
        assertThat(daily(admin, id)).isEqualTo(dailyBefore);
        awaitTrail(admin, otherId, 2);
        assertThat(export(admin, otherId)).endsWith(otherBefore);
        api.get(stranger, progress).expectStatus().isNotFound();
    }

    @Test
    void attemptsDeliveredAgainAreNotCountedTwice() {
        Session admin = api.signup("Acme");
        JsonNode issued = api.issueKey(admin, Map.of("name", "redelivered", "scopes", List.of("items:read")));
        String id = issued.get("id").asText();
        long before = eventStore.createHeadToken().position().orElseThrow();
        KeyClient client = api.withKey(issued.get("key").asText());
        for (int i = 0; i < 3; i++) {
            client.get(ITEMS).expectStatus().isOk();
        }
        awaitTrail(admin, id, 3);
        long head = eventStore.createHeadToken().position().orElseThrow();
        await().atMost(Duration.ofSeconds(10)).until(() -> usagePosition() >= head);
        String trailBefore = export(admin, id);
        String dailyBefore = daily(admin, id);

        TrackingEventProcessor usage = processing.eventProcessor("api-key-usage", TrackingEventProcessor.class)
                .orElseThrow();
        usage.shutDown();
        tokenStore.storeToken(GapAwareTrackingToken.newInstance(before, java.util.Set.of()), "api-key-usage", 0);
        usage.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> usagePosition() >= head);

        assertThat(export(admin, id)).isEqualTo(trailBefore);
        assertThat(daily(admin, id)).isEqualTo(dailyBefore).contains("\"allowed\":3");
    }

    private long usagePosition() {
        return processing.eventProcessor("api-key-usage", TrackingEventProcessor.class).orElseThrow()
                .processingStatus().values().stream()
                .mapToLong(status -> status.getCurrentPosition().orElse(-1)).min().orElse(-1);
    }

    @Test
    void replaysAreForTheOperatorLoggedIn() {
        Session operator = api.operator();
        KeyClient operatorKey = api.withKey(api.issueKey(operator, Map.of("name", "ops", "scopes", List.of("admin")))
                .get("key").asText());

        operatorKey.post("/api/v1/admin/replays", Map.of("processingGroup", "items")).expectStatus().isForbidden()
                .expectBody().jsonPath("$.type").isEqualTo("urn:keyhook:problem:login-required");
        api.post(operator, "/api/v1/admin/replays", Map.of("processingGroup", "nothing")).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("processingGroup");
        api.get(operator, "/api/v1/admin/replays/unknown").expectStatus().isNotFound();
    }

    private JsonNode awaitTrail(Session admin, String keyId, int entries) {
        List<JsonNode> found = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode page = api.get(admin, "/api/v1/api-keys/" + keyId + "/usage").expectStatus().isOk()
                    .expectBody(JsonNode.class).returnResult().getResponseBody();
            assertThat(page.get("total").asInt()).isEqualTo(entries);
            found.add(page);
        });
        return found.get(found.size() - 1);
    }

    private String export(Session admin, String keyId) {
        String body = api.http().get().uri("/api/v1/api-keys/" + keyId + "/usage").header("Authorization", admin.bearer())
                .accept(MediaType.APPLICATION_NDJSON).exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        return body == null ? "" : body;
    }

    private String daily(Session admin, String keyId) {
        return api.get(admin, "/api/v1/api-keys/" + keyId + "/usage/daily").expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
    }

    private Stream<ApiKeyUsageRecorded> usageEvents() {
        List<ApiKeyUsageRecorded> events = new ArrayList<>();
        try (var stream = eventStore.openStream(null)) {
            while (stream.hasNextAvailable()) {
                TrackedEventMessage<?> message = stream.nextAvailable();
                if (message.getPayload() instanceof ApiKeyUsageRecorded usage) {
                    events.add(usage);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return events.stream();
    }
}
