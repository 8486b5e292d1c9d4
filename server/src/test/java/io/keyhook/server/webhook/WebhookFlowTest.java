package io.keyhook.server.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keyhook.server.Api.Session;
import io.keyhook.server.KeyhookAppTest;
import io.keyhook.server.Receiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class WebhookFlowTest extends KeyhookAppTest {

    private static final Receiver RECEIVER = new Receiver();
    private static final ObjectMapper JSON = new ObjectMapper();

    @AfterAll
    static void stopReceiver() {
        RECEIVER.close();
    }

    private static String path() {
        return "/hooks/" + UUID.randomUUID();
    }

    private JsonNode subscribe(Session session, String path, List<String> types) {
        return api.post(session, "/api/v1/webhooks", Map.of("url", RECEIVER.url(path), "eventTypes", types))
                .expectStatus().isCreated()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    private List<Receiver.Received> awaitRequests(String path, int count) {
        await().atMost(Duration.ofSeconds(20)).until(() -> RECEIVER.at(path).size() >= count);
        return RECEIVER.at(path);
    }

    private JsonNode awaitDelivery(Session session, String subscriptionId, String status) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode page = api.get(session, "/api/v1/webhooks/" + subscriptionId + "/deliveries").expectStatus().isOk()
                    .expectBody(JsonNode.class).returnResult().getResponseBody();
            assertThat(page.get("deliveries")).isNotEmpty();
            assertThat(page.get("deliveries").get(0).get("status").asText()).isEqualTo(status);
            found[0] = page.get("deliveries").get(0);
        });
        return found[0];
    }

    @Test
    void anItemBecomesASignedDeliveryThatVerifies() throws Exception {
        Session admin = api.signup("Acme");
        String path = path();
        JsonNode subscription = subscribe(admin, path, List.of("item.created"));
        String secret = subscription.get("secret").asText();
        assertThat(secret).startsWith("whsec_");
        assertThat(subscription.get("warnings").get(0).asText()).contains("plain http");

        String itemId = api.createItem(admin, "Bolt", 10, 3).get("id").asText();

        Receiver.Received request = awaitRequests(path, 1).get(0);
        String id = request.header("webhook-id");
        String timestamp = request.header("webhook-timestamp");
        assertThat(request.header("webhook-signature")).isEqualTo(Receiver.sign(secret, id, timestamp, request.body()));
        assertThat(Long.parseLong(timestamp)).isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(60L));
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        assertThat(request.header("User-Agent")).startsWith("Keyhook-Webhooks/");
        assertThat(request.header("X-Keyhook-Event")).isEqualTo("item.created");
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring(6)), "HmacSHA256"));
        assertThat(request.header("X-Signature")).isEqualTo("sha256=" + HexFormat.of()
                .formatHex(mac.doFinal(request.body().getBytes(StandardCharsets.UTF_8))));
        JsonNode body = JSON.readTree(request.body());
        assertThat(body.get("event").asText()).isEqualTo("item.created");
        assertThat(body.get("organization_id").asText()).isEqualTo(admin.organizationId());
        assertThat(body.get("data").get("itemId").asText()).isEqualTo(itemId);
        assertThat(body.get("data").get("quantity").asInt()).isEqualTo(10);
        assertThat(Instant.parse(body.get("timestamp").asText())).isBefore(Instant.now());

        JsonNode delivery = awaitDelivery(admin, subscription.get("id").asText(), "succeeded");
        assertThat(delivery.get("id").asText()).isEqualTo(id);
        assertThat(delivery.get("attempts").get(0).get("statusCode").asInt()).isEqualTo(200);
        assertThat(delivery.get("attempts").get(0).get("responseBody").asText()).isEqualTo("received by the test receiver");
    }

    @Test
    void aReceiverThatFailsTwiceGetsThreeAttemptsWithGrowingGapsUnderOneId() {
        Session admin = api.signup("Acme");
        String path = path();
        RECEIVER.answer(path, 500, 503);
        JsonNode subscription = subscribe(admin, path, List.of("item.created"));

        api.createItem(admin, "Bolt", 10, 3);

        List<Receiver.Received> requests = awaitRequests(path, 3);
        assertThat(requests).extracting(request -> request.header("webhook-id")).containsOnly(requests.get(0).header("webhook-id"));
        Duration first = Duration.between(requests.get(0).at(), requests.get(1).at());
        Duration second = Duration.between(requests.get(1).at(), requests.get(2).at());
        assertThat(first).isGreaterThanOrEqualTo(Duration.ofMillis(800));
        assertThat(second).isGreaterThan(first);
        JsonNode delivery = awaitDelivery(admin, subscription.get("id").asText(), "succeeded");
        assertThat(delivery.get("attempts")).hasSize(3);
        assertThat(delivery.get("attempts")).extracting(attempt -> attempt.get("statusCode").asInt())
                .containsExactly(500, 503, 200);
        assertThat(delivery.get("attempts").get(0).get("error").asText()).isEqualTo("the receiver answered 500");
    }

    @Test
    void aTestWebhookIsSentOnRequest() {
        Session admin = api.signup("Acme");
        String path = path();
        String subscriptionId = subscribe(admin, path, List.of("item.deleted")).get("id").asText();

        JsonNode accepted = api.post(admin, "/api/v1/webhooks/" + subscriptionId + "/test", Map.of())
                .expectStatus().isAccepted().expectBody(JsonNode.class).returnResult().getResponseBody();

        // Its first attempt is scheduled, not retried.
        assertThat(api.get(admin, "/api/v1/deliveries/" + accepted.get("deliveryId").asText()).expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody().get("status").asText())
                .isIn("pending", "succeeded");
        Receiver.Received request = awaitRequests(path, 1).get(0);
        assertThat(request.header("webhook-id")).isEqualTo(accepted.get("deliveryId").asText());
        assertThat(request.header("X-Keyhook-Event")).isEqualTo("webhook.test");
        assertThat(request.body()).contains("\"event\":\"webhook.test\"");
    }

    @Test
    void goneDisablesTheSubscriptionAndARedeliveryAfterReEnablingKeepsTheId() {
        Session admin = api.signup("Acme");
        String path = path();
        RECEIVER.answer(path, 410);
        String subscriptionId = subscribe(admin, path, List.of("item.created")).get("id").asText();
        api.createItem(admin, "Bolt", 10, 3);

        JsonNode failed = awaitDelivery(admin, subscriptionId, "failed");
        assertThat(failed.get("failureReason").asText()).contains("410");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> api.get(admin, "/api/v1/webhooks/" + subscriptionId)
                .expectBody().jsonPath("$.active").isEqualTo(false)
                .jsonPath("$.disabledReason").isEqualTo("the receiver answered 410 Gone"));
        api.post(admin, "/api/v1/deliveries/" + failed.get("id").asText() + "/redeliver", Map.of())
                .expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.type").isEqualTo("urn:keyhook:problem:subscription-disabled");

        api.put(admin, "/api/v1/webhooks/" + subscriptionId, Map.of("url", RECEIVER.url(path),
                "eventTypes", List.of("item.created"), "active", true)).expectStatus().isOk();
        api.post(admin, "/api/v1/deliveries/" + failed.get("id").asText() + "/redeliver", Map.of())
                .expectStatus().isAccepted();

        JsonNode delivered = awaitDelivery(admin, subscriptionId, "succeeded");
        assertThat(delivered.get("id").asText()).isEqualTo(failed.get("id").asText());
        List<Receiver.Received> requests = RECEIVER.at(path);
        assertThat(requests).extracting(request -> request.header("webhook-id")).containsOnly(failed.get("id").asText());
        assertThat(delivered.get("attempts")).extracting(attempt -> attempt.get("number").asInt()).containsExactly(1, 2);
        assertThat(delivered.get("attempts")).extracting(attempt -> attempt.get("statusCode").asInt()).containsExactly(410, 200);
    }

    @Test
    void aRotatedSecretSignsBesideTheOldOneDuringTheGracePeriod() throws Exception {
        Session admin = api.signup("Acme");
        String path = path();
        JsonNode subscription = subscribe(admin, path, List.of("item.created"));
        String old = subscription.get("secret").asText();
        String fresh = api.post(admin, "/api/v1/webhooks/" + subscription.get("id").asText() + "/rotate-secret",
                        Map.of("gracePeriodSeconds", 3600))
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody().get("secret").asText();

        api.createItem(admin, "Bolt", 10, 3);

        Receiver.Received request = awaitRequests(path, 1).get(0);
        String id = request.header("webhook-id");
        String timestamp = request.header("webhook-timestamp");
        assertThat(request.header("webhook-signature").split(" "))
                .containsExactly(Receiver.sign(fresh, id, timestamp, request.body()), Receiver.sign(old, id, timestamp, request.body()));
    }

    @Test
    void theTimelineStreamsLive() {
        Session admin = api.signup("Acme");
        String path = path();
        // Slower than the dispatcher waits: the delivery is pending for a while, then succeeds.
        RECEIVER.answerAfter(path, Duration.ofSeconds(4));
        String subscriptionId = subscribe(admin, path, List.of("item.created")).get("id").asText();

        Flux<ServerSentEvent<JsonNode>> stream = api.http().get()
                .uri("/api/v1/webhooks/" + subscriptionId + "/deliveries/stream")
                .header("Authorization", admin.bearer()).accept(MediaType.TEXT_EVENT_STREAM)
                .exchange().expectStatus().isOk()
                .returnResult(new ParameterizedTypeReference<ServerSentEvent<JsonNode>>() {
                }).getResponseBody();

        StepVerifier.create(stream.filter(event -> event.data() != null).map(event -> event.data().get("status").asText()))
                .then(() -> api.createItem(admin, "Bolt", 10, 3))
                .expectNext("pending")
                .thenConsumeWhile(status -> !status.equals("succeeded"))
                .thenCancel()
                .verify(Duration.ofSeconds(20));
    }

    @Test
    void invalidSubscriptionsAreRefusedWithTheirField() {
        Session admin = api.signup("Acme");

        api.post(admin, "/api/v1/webhooks", Map.of("url", "ftp://example.com/x", "eventTypes", List.of("item.created")))
                .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("url");
        api.post(admin, "/api/v1/webhooks", Map.of("url", RECEIVER.url("/x"), "eventTypes", List.of("item.exploded")))
                .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("eventTypes");
        api.post(admin, "/api/v1/webhooks", Map.of("url", RECEIVER.url("/x"), "eventTypes", List.of("item.created"),
                "secret", "not-a-secret")).expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field")
                .isEqualTo("secret");
        api.get(admin, "/api/v1/webhooks").expectStatus().isOk().expectBody().jsonPath("$.total").isEqualTo(0);
        api.get(admin, "/api/v1/webhooks/event-types").expectStatus().isOk().expectBody()
                .jsonPath("$.length()").isEqualTo(6)
                .jsonPath("$[0].example.event").isEqualTo("item.created");
    }

    @Test
    void anotherOrganizationsDeliveriesAreNotFound() {
        Session acme = api.signup("Acme");
        Session globex = api.signup("Globex");
        String path = path();
        String subscriptionId = subscribe(acme, path, List.of("item.created")).get("id").asText();
        api.createItem(acme, "Bolt", 10, 3);
        String deliveryId = awaitDelivery(acme, subscriptionId, "succeeded").get("id").asText();

        api.get(globex, "/api/v1/deliveries/" + deliveryId).expectStatus().isNotFound();
        api.post(globex, "/api/v1/deliveries/" + deliveryId + "/redeliver", Map.of()).expectStatus().isNotFound();
        api.get(globex, "/api/v1/webhooks/" + subscriptionId).expectStatus().isNotFound();
        api.get(globex, "/api/v1/webhooks/" + subscriptionId + "/deliveries").expectStatus().isNotFound();
        api.delete(globex, "/api/v1/webhooks/" + subscriptionId).expectStatus().isNotFound();
        api.get(acme, "/api/v1/deliveries/" + deliveryId).expectStatus().isOk();
    }
}
