package io.keyhook.server.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.keyhook.server.Api;
import io.keyhook.server.Api.Session;
import io.keyhook.server.KeyhookApplication;
import io.keyhook.server.OwnNettyResources;
import io.keyhook.server.Receiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A retry scheduled before a restart is attempted after it: the deadline is persisted, not in memory. */
class DeliveryRestartTest {

    @TempDir
    Path dataDir;

    @Test
    void aRetryScheduledBeforeARestartIsDeliveredAfterIt() {
        try (Receiver receiver = new Receiver()) {
            receiver.answer("/hook", 503);
            Session admin;
            String subscriptionId;
            Instant nextAttemptAt;
            try (ConfigurableApplicationContext first = start()) {
                Api api = api(first);
                admin = api.signup("Acme");
                subscriptionId = api.post(admin, "/api/v1/webhooks", Map.of("url", receiver.url("/hook"),
                        "eventTypes", List.of("item.created"))).expectStatus().isCreated()
                        .expectBody(JsonNode.class).returnResult().getResponseBody().get("id").asText();
                api.createItem(admin, "Bolt", 10, 3);
                JsonNode retrying = awaitStatus(api, admin, subscriptionId, "retrying", true);
                nextAttemptAt = Instant.parse(retrying.get("nextAttemptAt").asText());
            }
            assertThat(receiver.at("/hook")).hasSize(1);

            try (ConfigurableApplicationContext second = start()) {
                Api api = api(second);
                JsonNode delivered = awaitStatus(api, admin, subscriptionId, "succeeded", false);
                assertThat(delivered.get("attempts")).extracting(attempt -> attempt.get("statusCode").asInt())
                        .containsExactly(503, 200);
                List<Receiver.Received> requests = receiver.at("/hook");
                assertThat(requests).hasSize(2);
                assertThat(requests.get(1).header("webhook-id")).isEqualTo(requests.get(0).header("webhook-id"));
                assertThat(requests.get(1).at()).isAfterOrEqualTo(nextAttemptAt.minusMillis(50));
            }
        }
    }

    private static JsonNode awaitStatus(Api api, Session admin, String subscriptionId, String status, boolean scheduled) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode delivery = api.get(admin, "/api/v1/webhooks/" + subscriptionId + "/deliveries").expectStatus().isOk()
                    .expectBody(JsonNode.class).returnResult().getResponseBody().get("deliveries").get(0);
            assertThat(delivery.get("status").asText()).isEqualTo(status);
            if (scheduled) {
                assertThat(delivery.has("nextAttemptAt")).isTrue();
            }
            found[0] = delivery;
        });
        return found[0];
    }

    private ConfigurableApplicationContext start() {
        System.setProperty("axoniq.update-checker.disabled", "true");
        return new SpringApplicationBuilder(KeyhookApplication.class, OwnNettyResources.class).run("--keyhook.data-dir=" + dataDir,
                "--server.port=0", "--keyhook.webhooks.allow-private-targets=true",
                "--keyhook.webhooks.retry.initial-delay=6s", "--keyhook.webhooks.retry.jitter=0");
    }

    private static Api api(ConfigurableApplicationContext context) {
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        return new Api(WebTestClient.bindToServer().baseUrl("http://localhost:" + port)
                .responseTimeout(Duration.ofSeconds(30)).build());
    }
}
