package io.keyhook.server.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.keyhook.server.Api;
import io.keyhook.server.Api.Session;
import io.keyhook.server.Receiver;
import io.keyhook.server.SecondApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

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
                Api api = SecondApplication.api(first);
                admin = api.signup("Acme");
                subscriptionId = api.post(admin, "/api/v1/webhooks", Map.of("url", receiver.url("/hook"),
                        "eventTypes", List.of("item.created"))).expectStatus().isCreated()
                        .expectBody(JsonNode.class).returnResult().getResponseBody().get("id").asText();
                api.createItem(admin, "Bolt", 10, 3);
                JsonNode retrying = api.awaitLatestDelivery(admin, subscriptionId, "retrying");
                nextAttemptAt = Instant.parse(retrying.get("nextAttemptAt").asText());
            }
            assertThat(receiver.at("/hook")).hasSize(1);

            try (ConfigurableApplicationContext second = start()) {
                Api api = SecondApplication.api(second);
                JsonNode delivered = api.awaitLatestDelivery(admin, subscriptionId, "succeeded");
                assertThat(delivered.get("attempts")).extracting(attempt -> attempt.get("statusCode").asInt())
                        .containsExactly(503, 200);
                List<Receiver.Received> requests = receiver.at("/hook");
                assertThat(requests).hasSize(2);
                assertThat(requests.get(1).header("webhook-id")).isEqualTo(requests.get(0).header("webhook-id"));
                assertThat(requests.get(1).at()).isAfterOrEqualTo(nextAttemptAt.minusMillis(50));
            }
        }
    }

    private ConfigurableApplicationContext start() {
        return SecondApplication.start(dataDir, "--keyhook.webhooks.allow-private-targets=true",
                "--keyhook.webhooks.retry.initial-delay=6s", "--keyhook.webhooks.retry.jitter=0");
    }
}
