package io.keyhook.server.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.keyhook.server.Api.Session;
import io.keyhook.server.KeyhookAppTest;
import io.keyhook.server.Receiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The happy path of a delivery: its first attempt is made by the dispatcher and recorded with the
 * delivery. A receiver slower than {@code keyhook.webhooks.first-attempt-wait} (2 s) does not hold
 * up the others: its delivery is recorded as started and its outcome when it arrives, and for a
 * minute the dispatcher does not wait for it at all.
 */
class FirstAttemptTest extends KeyhookAppTest {

    private static final Receiver RECEIVER = new Receiver();
    private static final Duration SLOW = Duration.ofSeconds(6);
    private static final Duration FIRST_ATTEMPT_WAIT = Duration.ofSeconds(2);

    @AfterAll
    static void stopReceiver() {
        RECEIVER.close();
    }

    private String subscribe(Session session, String path) {
        return api.post(session, "/api/v1/webhooks", Map.of("url", RECEIVER.url(path), "eventTypes",
                        List.of("item.created")))
                .expectStatus().isCreated()
                .expectBody(JsonNode.class).returnResult().getResponseBody().get("id").asText();
    }

    private JsonNode latest(Session session, String subscriptionId) {
        JsonNode page = api.get(session, "/api/v1/webhooks/" + subscriptionId + "/deliveries").expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        return page.get("deliveries").isEmpty() ? null : page.get("deliveries").get(0);
    }

    @Test
    void aSlowReceiverIsRecordedWhenItAnswersWithoutHoldingUpAFastOneOfTheSameEvent() {
        Session admin = api.signup("Acme");
        String slowPath = "/slow/" + UUID.randomUUID();
        String fastPath = "/fast/" + UUID.randomUUID();
        RECEIVER.answerAfter(slowPath, SLOW);
        String slow = subscribe(admin, slowPath);
        String fast = subscribe(admin, fastPath);

        api.createItem(admin, "Bolt", 10, 3);

        JsonNode fastDelivery = api.awaitLatestDelivery(admin, fast, "succeeded");
        JsonNode slowMeanwhile = latest(admin, slow);
        assertThat(RECEIVER.at(slowPath)).hasSize(1);
        assertThat(slowMeanwhile).isNotNull();
        assertThat(slowMeanwhile.get("status").asText()).isEqualTo("pending");
        assertThat(fastDelivery.get("attempts")).hasSize(1);

        JsonNode slowDelivery = api.awaitLatestDelivery(admin, slow, "succeeded");
        assertThat(slowDelivery.get("attempts")).hasSize(1);
        assertThat(slowDelivery.get("attempts").get(0).get("statusCode").asInt()).isEqualTo(200);
        assertThat(slowDelivery.get("attempts").get(0).get("durationMs").asLong())
                .isGreaterThanOrEqualTo(SLOW.toMillis());
        assertThat(RECEIVER.at(slowPath)).hasSize(1);
        assertThat(recordedAfterStart(slowDelivery)).isGreaterThanOrEqualTo(FIRST_ATTEMPT_WAIT);

        // Taken for slow now: the next batch does not wait for it.
        api.createItem(admin, "Nut", 10, 3);
        await().atMost(Duration.ofSeconds(30)).until(() -> RECEIVER.at(slowPath).size() == 2);
        JsonNode nextSlow = api.awaitLatestDelivery(admin, slow, "succeeded");
        assertThat(nextSlow.get("id").asText()).isNotEqualTo(slowDelivery.get("id").asText());
        assertThat(recordedAfterStart(nextSlow)).isLessThan(FIRST_ATTEMPT_WAIT);
    }

    /** How long after its first attempt started the delivery was recorded: how long its batch waited for it. */
    private static Duration recordedAfterStart(JsonNode delivery) {
        return Duration.between(Instant.parse(delivery.get("attempts").get(0).get("at").asText()),
                Instant.parse(delivery.get("createdAt").asText()));
    }

    @Test
    void deliveriesToOneReceiverReuseItsKeepAliveConnection() {
        Session admin = api.signup("Acme");
        String path = "/keep-alive/" + UUID.randomUUID();
        String subscription = subscribe(admin, path);

        for (int i = 0; i < 5; i++) {
            api.createItem(admin, "Bolt " + i, 10, 3);
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> RECEIVER.at(path).size() >= 5);
        assertThat(RECEIVER.at(path).stream().map(received -> received.from().getPort()).distinct())
                .hasSizeLessThan(3);
        assertThat(api.awaitLatestDelivery(admin, subscription, "succeeded").get("attempts")).hasSize(1);
    }
}
