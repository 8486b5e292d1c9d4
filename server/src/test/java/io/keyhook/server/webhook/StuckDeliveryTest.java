package io.keyhook.server.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.keyhook.server.Api;
import io.keyhook.server.Api.Session;
import io.keyhook.server.Receiver;
import io.keyhook.server.SecondApplication;
import io.keyhook.webhook.delivery.StuckDeliveryWatchdog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTask;
import org.springframework.scheduling.config.ScheduledTaskHolder;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

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
            Api api = SecondApplication.api(app);
            Session admin = api.signup("Acme");
            String subscriptionId = api.post(admin, "/api/v1/webhooks", Map.of("url", receiver.url("/hook"),
                    "eventTypes", List.of("item.created"))).expectStatus().isCreated()
                    .expectBody(JsonNode.class).returnResult().getResponseBody().get("id").asText();
            api.createItem(admin, "Bolt", 10, 3);
            api.awaitLatestDelivery(admin, subscriptionId, "retrying");

            int lost = app.getBean(JdbcTemplate.class).update("DELETE FROM scheduled_tasks");
            assertThat(lost).as("the scheduled retry, lost").isPositive();
            StuckDeliveryWatchdog watchdog = app.getBean(StuckDeliveryWatchdog.class);
            assertThat(watchdog.sweep(Instant.now())).as("not overdue yet: its retry is due in an hour").isZero();

            assertThat(watchdog.sweep(Instant.now().plus(Duration.ofHours(2)))).isEqualTo(1);

            JsonNode delivered = api.awaitLatestDelivery(admin, subscriptionId, "succeeded");
            assertThat(delivered.get("attempts")).extracting(attempt -> attempt.get("statusCode").asInt())
                    .containsExactly(500, 200);
            List<Receiver.Received> requests = receiver.at("/hook");
            assertThat(requests).hasSize(2);
            assertThat(requests.get(1).header("webhook-id")).isEqualTo(requests.get(0).header("webhook-id"));
            assertThat(watchdog.sweep(Instant.now().plus(Duration.ofHours(2)))).isZero();

            assertThat(app.getBean(ScheduledTaskHolder.class).getScheduledTasks())
                    .as("the watchdog's own sweeps, every keyhook.webhooks.stuck-sweep-interval")
                    .extracting(ScheduledTask::getTask)
                    .filteredOn(FixedDelayTask.class::isInstance)
                    .extracting(task -> ((FixedDelayTask) task).getIntervalDuration())
                    .containsExactly(Duration.ofMinutes(90));
        }
    }

    private ConfigurableApplicationContext start() {
        return SecondApplication.start(dataDir, "--keyhook.webhooks.allow-private-targets=true",
                "--keyhook.webhooks.retry.initial-delay=1h", "--keyhook.webhooks.retry.jitter=0",
                "--keyhook.webhooks.stuck-sweep-interval=90m");
    }
}
