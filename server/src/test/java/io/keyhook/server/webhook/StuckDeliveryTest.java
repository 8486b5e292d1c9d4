package io.keyhook.server.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.keyhook.server.Api;
import io.keyhook.server.Api.Session;
import io.keyhook.server.KeyhookApplication;
import io.keyhook.server.OwnNettyResources;
import io.keyhook.server.Receiver;
import io.keyhook.webhook.delivery.StuckDeliveryWatchdog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A delivery whose next step is lost (its scheduled retry deleted from the deadline store) waits
 * forever, until the watchdog finds it and redelivers it under the same webhook-id.
 */
class StuckDeliveryTest {

    @TempDir
    Path dataDir;

    @Test
    void aDeliveryThatLostItsScheduledRetryIsFoundAndRedeliveredUnderItsId() {
        try (Receiver receiver = new Receiver();
             ConfigurableApplicationContext app = start()) {
            receiver.answer("/hook", 500);
            Api api = api(app);
            Session admin = api.signup("Acme");
            String subscriptionId = api.post(admin, "/api/v1/webhooks", Map.of("url", receiver.url("/hook"),
                    "eventTypes", List.of("item.created"))).expectStatus().isCreated()
                    .expectBody(JsonNode.class).returnResult().getResponseBody().get("id").asText();
            api.createItem(admin, "Bolt", 10, 3);
            awaitStatus(api, admin, subscriptionId, "retrying");

            int lost = app.getBean(JdbcTemplate.class).update("DELETE FROM scheduled_tasks");
            assertThat(lost).as("the scheduled retry, lost").isPositive();
            StuckDeliveryWatchdog watchdog = app.getBean(StuckDeliveryWatchdog.class);
            assertThat(watchdog.sweep(Instant.now())).as("not overdue yet: its retry is due in an hour").isZero();

            assertThat(watchdog.sweep(Instant.now().plus(Duration.ofHours(2)))).isEqualTo(1);

            JsonNode delivered = awaitStatus(api, admin, subscriptionId, "succeeded");
            assertThat(delivered.get("attempts")).extracting(attempt -> attempt.get("statusCode").asInt())
                    .containsExactly(500, 200);
            List<Receiver.Received> requests = receiver.at("/hook");
            assertThat(requests).hasSize(2);
            assertThat(requests.get(1).header("webhook-id")).isEqualTo(requests.get(0).header("webhook-id"));
            assertThat(watchdog.sweep(Instant.now().plus(Duration.ofHours(2)))).isZero();
        }
    }

    private static JsonNode awaitStatus(Api api, Session admin, String subscriptionId, String status) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode delivery = api.get(admin, "/api/v1/webhooks/" + subscriptionId + "/deliveries").expectStatus().isOk()
                    .expectBody(JsonNode.class).returnResult().getResponseBody().get("deliveries").get(0);
            assertThat(delivery.get("status").asText()).isEqualTo(status);
            if (status.equals("retrying")) {
                assertThat(delivery.has("nextAttemptAt")).isTrue();
            }
            found[0] = delivery;
        });
        return found[0];
    }

    private ConfigurableApplicationContext start() {
        System.setProperty("axoniq.update-checker.disabled", "true");
        return new SpringApplicationBuilder(KeyhookApplication.class, OwnNettyResources.class).run(
                "--keyhook.data-dir=" + dataDir, "--server.port=0", "--keyhook.webhooks.allow-private-targets=true",
                "--keyhook.webhooks.retry.initial-delay=1h", "--keyhook.webhooks.retry.jitter=0");
    }

    private static Api api(ConfigurableApplicationContext context) {
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        return new Api(WebTestClient.bindToServer().baseUrl("http://localhost:" + port)
                .responseTimeout(Duration.ofSeconds(30)).build());
    }
}
