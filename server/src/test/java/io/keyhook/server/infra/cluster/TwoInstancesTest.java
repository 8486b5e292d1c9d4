package io.keyhook.server.infra.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import de.bwaldvogel.mongo.MongoServer;
import io.keyhook.server.Api.KeyClient;
import io.keyhook.server.Api.Session;
import io.keyhook.server.Api;
import io.keyhook.server.Receiver;
import io.keyhook.server.SecondApplication;
import io.keyhook.server.infra.ReadModelBackend;
import io.keyhook.server.infra.postgres.EmbeddedPostgresServer;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances with the {@code postgres} profile on one PostgreSQL and one MongoDB wire server. They
 * share the processors' segments; each learns of the changes the other projects through its
 * followers. Whatever is written through one instance is seen through the other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoInstancesTest {

    private static final String ITEMS = "/api/v1/items";

    @TempDir
    static Path storage;

    private EmbeddedPostgresServer postgres;
    private MongoServer mongo;
    private ConfigurableApplicationContext first;
    private ConfigurableApplicationContext second;
    private Api a;
    private Api b;

    @BeforeAll
    void startStorageAndTwoInstances() throws SQLException {
        postgres = EmbeddedPostgresServer.start(storage.resolve("postgres"));
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://localhost:" + postgres.port()
                + "/postgres", EmbeddedPostgresServer.USER, postgres.password());
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE ROLE keyhook LOGIN PASSWORD 'cluster secret'");
            statement.execute("CREATE DATABASE keyhook_cluster OWNER keyhook");
        }
        mongo = new MongoServer(new ReadModelBackend(storage.resolve("readmodels.mv").toString(), true));
        InetSocketAddress mongoAddress = mongo.bind();
        String[] shared = {"--spring.profiles.active=postgres",
                "--keyhook.postgres.url=jdbc:postgresql://localhost:" + postgres.port() + "/keyhook_cluster",
                "--keyhook.postgres.username=keyhook", "--keyhook.postgres.password=cluster secret",
                "--spring.data.mongodb.uri=mongodb://localhost:" + mongoAddress.getPort() + "/keyhook",
                "--keyhook.auth.jwt-key-file=" + storage.resolve("jwt-signing-key.json"),
                "--keyhook.api-keys.pepper-file=" + storage.resolve("api-key-pepper"),
                "--keyhook.webhooks.encryption-key-file=" + storage.resolve("webhook-secret-key"),
                "--keyhook.webhooks.allow-private-targets=true",
                "--keyhook.api-keys.client-ip-header=" + Api.FORWARDED_FOR,
                "--keyhook.operators=" + Api.OPERATOR_EMAIL};
        first = SecondApplication.start(storage.resolve("first"), shared);
        second = SecondApplication.start(storage.resolve("second"), shared);
        a = SecondApplication.api(first);
        b = SecondApplication.api(second);
    }

    @AfterAll
    void stop() {
        for (AutoCloseable closeable : new AutoCloseable[]{second, first}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception ignored) {
                // the next one is closed all the same
            }
        }
        if (mongo != null) {
            mongo.shutdownNow();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void aKeyRevokedThroughOneInstanceIsRefusedByTheOtherThatHasItCached() {
        Session admin = a.signup("Acme");
        JsonNode issued = a.issueKey(admin, Map.of("name", "reader", "scopes", List.of("items:read")));
        KeyClient onSecond = b.withKey(issued.get("key").asText());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> onSecond.get(ITEMS).expectStatus().isOk());

        a.delete(admin, "/api/v1/api-keys/" + issued.get("id").asText()).expectStatus().isNoContent();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> onSecond.get(ITEMS).expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.type").isEqualTo("urn:keyhook:problem:api-key-revoked"));
    }

    @Test
    void aWriteThroughTheInstanceThatDoesNotProjectAnswersWithWhatItWrote() {
        Session admin = a.signup("Acme");
        Session onSecond = new Session(admin.organizationId(), admin.userId(), admin.email(), admin.token());
        JsonNode created = b.createItem(onSecond, "Bolt", 10, 3);
        assertThat(created.get("name").asText()).isEqualTo("Bolt");
        b.get(onSecond, ITEMS + "/" + created.get("id").asText()).expectStatus().isOk();
        b.get(onSecond, ITEMS).expectStatus().isOk().expectBody().jsonPath("$.items[0].name").isEqualTo("Bolt");
    }

    @Test
    void stockAdjustedThroughBothInstancesAtOnceLosesNoAdjustment() throws Exception {
        Session admin = a.signup("Acme");
        String item = a.createItem(admin, "Bolt", 0, 0).get("id").asText();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Integer>> adjustments = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                Api through = i % 2 == 0 ? a : b;
                adjustments.add(() -> through.post(admin, ITEMS + "/" + item + "/stock", Map.of("delta", 1))
                        .returnResult(String.class).getStatus().value());
            }
            for (Future<Integer> status : clients.invokeAll(adjustments)) {
                assertThat(status.get()).isEqualTo(200);
            }
        } finally {
            clients.shutdownNow();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> b.get(admin, ITEMS + "/" + item)
                .expectStatus().isOk().expectBody().jsonPath("$.quantity").isEqualTo(40));
    }

    @Test
    void theDispatcherRoutesToASubscriptionThatTheOtherInstanceProjected() {
        try (Receiver receiver = new Receiver()) {
            moveToSecond("webhook-subscriptions");
            Session admin = a.signup("Acme");
            a.post(admin, "/api/v1/webhooks", Map.of("url", receiver.url("/routed"), "eventTypes",
                    List.of("item.created"))).expectStatus().isCreated();
            a.createItem(admin, "Bolt", 10, 3);
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.at("/routed").size() == 1);
        }
    }

    @Test
    void theLiveTimelineOfEitherInstanceShowsTheDeliveryWhereverItWasMadeAndProjected() {
        try (Receiver receiver = new Receiver()) {
            Session admin = a.signup("Acme");
            String subscription = a.post(admin, "/api/v1/webhooks", Map.of("url", receiver.url("/live"), "eventTypes",
                            List.of("item.created"))).expectStatus().isCreated().expectBody(JsonNode.class)
                    .returnResult().getResponseBody().get("id").asText();
            List<Flux<String>> streams = List.of(statuses(a, admin, subscription), statuses(b, admin, subscription));
            Flux<String> both = Flux.merge(streams.get(0).map(status -> "first " + status),
                    streams.get(1).map(status -> "second " + status));

            StepVerifier.create(both.filter(status -> status.endsWith("succeeded")).distinct().take(2))
                    .then(() -> a.createItem(admin, "Bolt", 10, 3))
                    .recordWith(HashSet::new)
                    .expectNextCount(2)
                    .consumeRecordedWith(seen -> assertThat(seen).containsExactlyInAnyOrder("first succeeded",
                            "second succeeded"))
                    .expectComplete()
                    .verify(Duration.ofSeconds(30));
        }
    }

    private static Flux<String> statuses(Api api, Session session, String subscription) {
        return api.http().get().uri("/api/v1/webhooks/" + subscription + "/deliveries/stream")
                .header("Authorization", session.bearer()).accept(MediaType.TEXT_EVENT_STREAM)
                .exchange().expectStatus().isOk()
                .returnResult(new ParameterizedTypeReference<ServerSentEvent<JsonNode>>() {
                }).getResponseBody()
                .filter(event -> event.data() != null && event.data().has("status"))
                .map(event -> event.data().get("status").asText());
    }

    @Test
    void aKeysRateLimitHoldsAcrossBothInstances() {
        Session admin = a.signup("Acme");
        String key = a.issueKey(admin, Map.of("name", "limited", "scopes", List.of("items:read"),
                "rateLimitPerMinute", 10)).get("key").asText();
        List<KeyClient> clients = List.of(a.withKey(key), b.withKey(key));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> clients.get(1).get(ITEMS).expectStatus().isOk());
        long started = System.nanoTime();
        int allowed = 1;
        for (int request = 0; request < 40; request++) {
            if (clients.get(request % 2).get(ITEMS).returnResult(String.class).getStatus().value() == 200) {
                allowed++;
            }
        }
        long refilled = (System.nanoTime() - started) * 10 / 60_000_000_000L + 1;
        assertThat(allowed).isGreaterThanOrEqualTo(10).isLessThanOrEqualTo((int) (10 + 2 + refilled));
    }

    @Test
    void aReplayAskedOfTheInstanceThatDoesNotProcessTheGroupIsRefusedAndChangesNothing() {
        Session admin = a.signup("Acme");
        a.createItem(admin, "Bolt", 10, 3);
        await().atMost(Duration.ofSeconds(15)).until(() -> processor(first, "items").processingStatus().isEmpty()
                != processor(second, "items").processingStatus().isEmpty());
        boolean firstHoldsItems = !processor(first, "items").processingStatus().isEmpty();
        Api elsewhere = firstHoldsItems ? b : a;
        ConfigurableApplicationContext elsewhereContext = firstHoldsItems ? second : first;

        elsewhere.post(elsewhere.operator(), "/api/v1/admin/replays", Map.of("processingGroup", "items"))
                .expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.type").isEqualTo("urn:keyhook:problem:replay-unavailable");
        assertThat(processor(elsewhereContext, "items").isRunning()).isTrue();
        elsewhere.get(admin, ITEMS).expectStatus().isOk().expectBody().jsonPath("$.items[0].name").isEqualTo("Bolt");
    }

    @Test
    void theSecondInstanceTakesItsShareOfTheSegments() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            int onFirst = heldSegments(first);
            int onSecond = heldSegments(second);
            assertThat(onSecond).isPositive();
            assertThat(Math.abs(onFirst - onSecond)).isLessThanOrEqualTo(1);
        });
    }

    private static int heldSegments(ConfigurableApplicationContext context) {
        return context.getBean(EventProcessingConfiguration.class).eventProcessors().values().stream()
                .filter(StreamingEventProcessor.class::isInstance).map(StreamingEventProcessor.class::cast)
                .filter(processor -> !processor.getName().startsWith("follow-"))
                .mapToInt(processor -> processor.processingStatus().size()).sum();
    }

    /** Makes the first instance let go of a group's segment, so that the second one claims it. */
    private void moveToSecond(String group) {
        StreamingEventProcessor onFirst = processor(first, group);
        onFirst.shutDown();
        await().atMost(Duration.ofSeconds(15)).until(() -> !processor(second, group).processingStatus().isEmpty());
        onFirst.start();
    }

    private static StreamingEventProcessor processor(ConfigurableApplicationContext context, String group) {
        return context.getBean(EventProcessingConfiguration.class).eventProcessor(group, StreamingEventProcessor.class)
                .orElseThrow();
    }
}
