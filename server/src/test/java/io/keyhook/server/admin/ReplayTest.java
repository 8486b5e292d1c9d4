package io.keyhook.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.keyhook.server.Api.Session;
import io.keyhook.server.KeyhookAppTest;
import io.keyhook.server.Receiver;
import io.keyhook.query.account.UserDocument;
import io.keyhook.query.apikey.ApiKeyDocument;
import io.keyhook.query.webhook.WebhookSubscriptionDocument;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Replays rebuild a projection of every organization: only the installation's operator may start
 * one; what it rebuilds equals what the events say; and the read models that logins, keys and
 * webhook routing serve from keep serving while they are rebuilt aside.
 */
class ReplayTest extends KeyhookAppTest {

    private static final String REPLAYS = "/api/v1/admin/replays";

    @Autowired
    private ReactiveMongoTemplate mongo;

    @Autowired
    private Replays replays;

    @Test
    void anOrganizationsAdminMayNotReplayWhatBelongsToEveryOrganization() {
        Session admin = api.signup("Acme");

        api.post(admin, REPLAYS, Map.of("processingGroup", "items"))
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.type").isEqualTo("urn:keyhook:problem:operator-only");
    }

    @Test
    void theReadModelsThatServeLoginsKeysAndRoutingAreRebuiltAsideAndRepaired() {
        try (Receiver receiver = new Receiver()) {
            Session admin = api.signup("Acme");
            Session other = api.signup("Globex");
            String keyId = api.issueKey(admin, Map.of("name", "reader", "scopes", List.of("items:read")))
                    .get("id").asText();
            String subscription = subscribe(admin, receiver.url("/repaired"));
            api.createItem(admin, "Bolt", 10, 3);
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.at("/repaired").size() == 1);

            // The read models go wrong behind the projections' backs.
            stored(mongo.remove(Query.query(Criteria.where("_id").is(other.userId())), UserDocument.class));
            stored(mongo.remove(Query.query(Criteria.where("_id").is(keyId)), ApiKeyDocument.class));
            WebhookSubscriptionDocument stored = stored(mongo.findById(subscription, WebhookSubscriptionDocument.class));
            stored(mongo.save(described(stored, stored.id(), "tampered")));
            String phantom = UUID.randomUUID().toString();
            stored(mongo.insert(described(stored, phantom, "phantom")));
            login(other).expectStatus().isUnauthorized();
            api.get(admin, "/api/v1/api-keys/" + keyId).expectStatus().isNotFound();
            api.get(admin, "/api/v1/webhooks/" + phantom).expectStatus().isOk();

            Session operator = api.operator();
            for (String group : List.of("accounts", "api-keys", "webhook-subscriptions")) {
                replayToTheEnd(operator, group);
            }

            login(other).expectStatus().isOk();
            api.get(admin, "/api/v1/api-keys/" + keyId).expectStatus().isOk()
                    .expectBody().jsonPath("$.name").isEqualTo("reader");
            api.get(admin, "/api/v1/webhooks/" + subscription).expectStatus().isOk()
                    .expectBody().jsonPath("$.description").doesNotExist();
            api.get(admin, "/api/v1/webhooks/" + phantom).expectStatus().isNotFound();
            api.createItem(admin, "Nut", 5, 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.at("/repaired").size() == 2);
        }
    }

    @Test
    void aReplayOfEveryGroupDuringTrafficLosesNoDeliveryAndRefusesNoValidCredential() throws Exception {
        try (Receiver receiver = new Receiver()) {
            Session admin = api.signup("Acme");
            String key = api.issueKey(admin, Map.of("name", "busy", "scopes", List.of("items:read", "items:write"),
                    "rateLimitPerMinute", 1_000_000)).get("key").asText();
            subscribe(admin, receiver.url("/traffic"));
            Session operator = api.operator();
            Set<String> created = ConcurrentHashMap.newKeySet();
            List<String> refused = new CopyOnWriteArrayList<>();
            AtomicBoolean running = new AtomicBoolean(true);
            ExecutorService traffic = Executors.newFixedThreadPool(3);
            try {
                traffic.submit(() -> {
                    while (running.get()) {
                        int status = api.withKey(key).get("/api/v1/items").returnResult(String.class).getStatus().value();
                        if (status != 200) {
                            refused.add("key GET " + status);
                        }
                    }
                });
                traffic.submit(() -> {
                    while (running.get()) {
                        int status = login(admin).returnResult(String.class).getStatus().value();
                        if (status != 200) {
                            refused.add("login " + status);
                        }
                    }
                });
                traffic.submit(() -> {
                    while (running.get()) {
                        JsonNode item = api.withKey(key).post("/api/v1/items", Map.of("name", "Bolt", "sku", "B-1",
                                        "quantity", 1, "lowStockThreshold", 0))
                                .expectBody(JsonNode.class).returnResult().getResponseBody();
                        if (item != null && item.has("id")) {
                            created.add(item.get("id").asText());
                        } else {
                            refused.add("key POST " + item);
                        }
                    }
                });
                List<String> groups = replays.replayableGroups();
                assertThat(groups).contains("accounts", "api-keys", "webhook-subscriptions", "items", "deliveries");
                for (String group : groups) {
                    replayToTheEnd(operator, group);
                }
            } finally {
                running.set(false);
                traffic.shutdown();
                assertThat(traffic.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
            }

            assertThat(refused).isEmpty();
            assertThat(created).hasSizeGreaterThan(0);
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(receiver.at("/traffic").stream()
                    .map(received -> received.body())
                    .filter(body -> body.contains("item.created"))
                    .count()).isGreaterThanOrEqualTo(created.size()));
            assertThat(created).allSatisfy(id -> assertThat(receiver.at("/traffic"))
                    .anySatisfy(received -> assertThat(received.body()).contains(id)));
        }
    }

    @Test
    void aReplayOfTheItemsRebuildsThemAsTheyWere() {
        Session admin = api.signup("Acme");
        String bolt = api.createItem(admin, "Bolt", 10, 3).get("id").asText();
        api.createItem(admin, "Nut", 5, 1);
        api.post(admin, "/api/v1/items/" + bolt + "/stock", Map.of("delta", -8)).expectStatus().isOk();
        String deleted = api.createItem(admin, "Washer", 1, 0).get("id").asText();
        api.delete(admin, "/api/v1/items/" + deleted).expectStatus().isNoContent();
        String before = listing(admin);
        assertThat(before).contains("Bolt").contains("Nut").doesNotContain("Washer");

        Session operator = api.operator();
        replayToTheEnd(operator, "items");

        assertThat(listing(admin)).isEqualTo(before);
        api.get(admin, "/api/v1/items/" + deleted).expectStatus().isNotFound();
    }

    @Test
    void aReplayOfTheDeliveriesRebuildsEveryTimelineAsItWas() {
        try (Receiver receiver = new Receiver()) {
            receiver.answer("/replayed", 500);
            Session admin = api.signup("Acme");
            String subscription = api.post(admin, "/api/v1/webhooks", Map.of("url", receiver.url("/replayed"),
                            "eventTypes", List.of("item.created")))
                    .expectStatus().isCreated().expectBody(JsonNode.class).returnResult().getResponseBody()
                    .get("id").asText();
            api.createItem(admin, "Bolt", 10, 3);
            api.createItem(admin, "Nut", 5, 1);
            String timeline = "/api/v1/webhooks/" + subscription + "/deliveries";
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                    api.get(admin, timeline).expectStatus().isOk().expectBody(JsonNode.class).returnResult()
                            .getResponseBody().get("deliveries"))
                    .hasSize(2).allSatisfy(delivery -> assertThat(delivery.get("status").asText()).isEqualTo("succeeded")));
            String before = api.get(admin, timeline).expectBody(String.class).returnResult().getResponseBody();

            Session operator = api.operator();
            replayToTheEnd(operator, "deliveries");

            assertThat(api.get(admin, timeline).expectBody(String.class).returnResult().getResponseBody())
                    .isEqualTo(before);
            assertThat(receiver.at("/replayed")).as("a replay sends nothing").hasSize(3);
        }
    }

    private void replayToTheEnd(Session operator, String group) {
        JsonNode replay = api.post(operator, REPLAYS, Map.of("processingGroup", group))
                .expectStatus().isAccepted().expectBody(JsonNode.class).returnResult().getResponseBody();
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() ->
                api.get(operator, REPLAYS + "/" + replay.get("id").asText()).expectStatus().isOk()
                        .expectBody().jsonPath("$.done").isEqualTo(true)
                        .jsonPath("$.failure").doesNotExist());
    }

    private String subscribe(Session admin, String url) {
        return api.post(admin, "/api/v1/webhooks", Map.of("url", url, "eventTypes", List.of("item.created")))
                .expectStatus().isCreated().expectBody(JsonNode.class).returnResult().getResponseBody()
                .get("id").asText();
    }

    private WebTestClient.ResponseSpec login(Session session) {
        return api.http().post().uri("/api/v1/auth/login").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", session.email(), "password", "correct horse")).exchange();
    }

    private static WebhookSubscriptionDocument described(WebhookSubscriptionDocument stored, String id,
                                                         String description) {
        return new WebhookSubscriptionDocument(id, stored.organizationId(), stored.url(), stored.eventTypes(),
                description, stored.active(), stored.disabledReason(), stored.consecutiveFailures(),
                stored.encryptedSecret(), stored.previousEncryptedSecret(), stored.previousValidUntil(),
                stored.deleted(), stored.createdAt(), stored.updatedAt(), stored.secretRotatedAt(), stored.version());
    }

    private static <T> T stored(Mono<T> mono) {
        return mono.block(Duration.ofSeconds(10));
    }

    private String listing(Session session) {
        return api.get(session, "/api/v1/items").expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
    }
}
