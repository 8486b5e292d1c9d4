package io.keyhook.webhook.delivery;

import io.keyhook.api.delivery.DeliveryAttempted;
import io.keyhook.api.delivery.DeliveryFailed;
import io.keyhook.api.delivery.DeliveryRedeliveryRequested;
import io.keyhook.api.delivery.DeliveryScheduled;
import io.keyhook.api.delivery.DeliverySucceeded;
import io.keyhook.api.delivery.FailDelivery;
import io.keyhook.api.delivery.RecordDeliveryAttempt;
import io.keyhook.api.delivery.ScheduleDeliveryRetry;
import io.keyhook.api.webhook.DisableWebhookSubscription;
import io.keyhook.api.webhook.WebhookSubscriptionDisabled;
import io.keyhook.webhook.WebhookSettings;
import org.axonframework.test.saga.SagaTestFixture;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;

import static org.assertj.core.api.Assertions.assertThat;

class DeliverySagaTest {

    private static final String DELIVERY = "msg_1";
    private static final String SUBSCRIPTION = "sub-1";
    private static final String ORG = "org-1";
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final DeliveryScheduled SCHEDULED = new DeliveryScheduled(DELIVERY, SUBSCRIPTION, ORG, "evt-1",
            "item.created", "{}", NOW);
    private static final WebhookSettings SETTINGS = WebhookSettings.defaults();

    /** The HTTP side of an attempt, as the saga sees it: it only starts attempts. */
    static class RecordingAttempts implements WebhookAttempts {
        final List<AttemptRequest> started = new CopyOnWriteArrayList<>();

        @Override
        public void start(AttemptRequest request) {
            started.add(request);
        }
    }

    private final RecordingAttempts attempts = new RecordingAttempts();

    private SagaTestFixture<DeliverySaga> fixture(DoubleSupplier random) {
        SagaTestFixture<DeliverySaga> fixture = new SagaTestFixture<>(DeliverySaga.class);
        fixture.registerResource(attempts);
        fixture.registerResource(new RetryPolicy(SETTINGS.retry(), random));
        fixture.registerResource(SETTINGS);
        fixture.registerResource(new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return fixture.currentTime();
            }
        });
        return fixture;
    }

    private static DeliveryAttempted failed(int attempt, int status, Long retryAfter) {
        return new DeliveryAttempted(DELIVERY, SUBSCRIPTION, ORG, attempt, NOW, 12, status, "the receiver answered " + status,
                null, retryAfter, false);
    }

    @Test
    void theFirstAttemptIsDueAtOnce() throws Exception {
        fixture(() -> 0.5).givenCurrentTime(NOW)
                .whenPublishingA(SCHEDULED)
                .expectActiveSagas(1)
                .expectAssociationWith("subscriptionId", SUBSCRIPTION)
                .expectScheduledDeadline(Duration.ZERO, new AttemptDue(DELIVERY, 1))
                .expectNoDispatchedCommands();
    }

    @Test
    void aDueAttemptIsStartedAndWatched() throws Exception {
        fixture(() -> 0.5).givenCurrentTime(NOW)
                .andThenAPublished(SCHEDULED)
                .whenTimeElapses(Duration.ofMillis(1))
                .expectDeadlinesMet(new AttemptDue(DELIVERY, 1))
                .expectScheduledDeadline(NOW.plus(SETTINGS.attemptWatchdog()), new AttemptDue(DELIVERY, 1));
        assertThat(attempts.started).containsExactly(new AttemptRequest(DELIVERY, SUBSCRIPTION, ORG, "item.created", "{}", 1));
    }

    @Test
    void aFailedAttemptSchedulesTheNextWithBackoffAtTheLowerJitterBound() throws Exception {
        fixture(() -> 0.0).givenCurrentTime(NOW)
                .andThenAPublished(SCHEDULED)
                .whenPublishingA(failed(1, 500, null))
                .expectScheduledDeadline(Duration.ofSeconds(8), new AttemptDue(DELIVERY, 2))
                .expectDispatchedCommands(new ScheduleDeliveryRetry(DELIVERY, 2, NOW.plusSeconds(8)));
    }

    @Test
    void theBackoffGrowsByTheMultiplierUpToTheUpperJitterBound() throws Exception {
        fixture(() -> 1.0).givenCurrentTime(NOW)
                .andThenAPublished(SCHEDULED)
                .andThenAPublished(failed(1, 500, null))
                .andThenAPublished(failed(2, 500, null))
                .whenPublishingA(failed(3, 503, null))
                .expectScheduledDeadline(Duration.ofSeconds(192), new AttemptDue(DELIVERY, 4))
                .expectDispatchedCommands(new ScheduleDeliveryRetry(DELIVERY, 4, NOW.plusSeconds(192)));
    }

    @Test
    void afterTheLastRetryTheDeliveryFails() throws Exception {
        fixture(() -> 0.5).givenCurrentTime(NOW)
                .andThenAPublished(SCHEDULED)
                .andThenAPublished(failed(1, 500, null))
                .andThenAPublished(failed(2, 500, null))
                .andThenAPublished(failed(3, 500, null))
                .whenPublishingA(failed(4, 500, null))
                .expectDispatchedCommands(new FailDelivery(DELIVERY, "gave up after 4 attempts"));
    }

    @Test
    void failureEndsTheSagaAndCancelsItsDeadlines() throws Exception {
        fixture(() -> 0.5).givenCurrentTime(NOW)
                .andThenAPublished(SCHEDULED)
                .andThenAPublished(failed(1, 500, null))
                .whenPublishingA(new DeliveryFailed(DELIVERY, SUBSCRIPTION, ORG, 1, "gave up"))
                .expectActiveSagas(0)
                .expectNoScheduledDeadlines();
    }

    @Test
    void successEndsTheSagaAndCancelsThePendingDeadline() throws Exception {
        fixture(() -> 0.5).givenCurrentTime(NOW)
                .andThenAPublished(SCHEDULED)
                .andThenAPublished(failed(1, 500, null))
                .andThenAPublished(new DeliveryAttempted(DELIVERY, SUBSCRIPTION, ORG, 2, NOW, 9, 200, null, "ok", null, true))
                .whenPublishingA(new DeliverySucceeded(DELIVERY, SUBSCRIPTION, ORG, 2))
                .expectActiveSagas(0)
                .expectNoScheduledDeadlines()
                .expectNoDispatchedCommands();
    }

    @Test
    void retryAfterIsHonoured() throws Exception {
        fixture(() -> 0.5).givenCurrentTime(NOW)
                .andThenAPublished(SCHEDULED)
                .whenPublishingA(failed(1, 429, 120L))
                .expectScheduledDeadline(Duration.ofSeconds(120), new AttemptDue(DELIVERY, 2))
                .expectDispatchedCommands(new ScheduleDeliveryRetry(DELIVERY, 2, NOW.plusSeconds(120)));
    }

    @Test
    void goneDisablesTheSubscriptionAndFailsTheDelivery() throws Exception {
        fixture(() -> 0.5).givenCurrentTime(NOW)
                .andThenAPublished(SCHEDULED)
                .whenPublishingA(failed(1, 410, null))
                .expectDispatchedCommands(
                        new DisableWebhookSubscription(SUBSCRIPTION, ORG, "the receiver answered 410 Gone"),
                        new FailDelivery(DELIVERY, "the receiver answered 410 Gone; the subscription is disabled"));
    }

    @Test
    void aDuplicateOrStaleOutcomeChangesNothing() throws Exception {
        fixture(() -> 0.5).givenCurrentTime(NOW)
                .andThenAPublished(SCHEDULED)
                .andThenAPublished(failed(1, 500, null))
                .whenPublishingA(failed(1, 500, null))
                .expectNoDispatchedCommands();
    }

    @Test
    void anAttemptWhoseOutcomeNeverArrivesCountsAsFailed() throws Exception {
        fixture(() -> 0.5).givenCurrentTime(NOW)
                .andThenAPublished(SCHEDULED)
                .andThenTimeElapses(Duration.ofMillis(1))
                .whenTimeElapses(SETTINGS.attemptWatchdog())
                .expectDispatchedCommands(new RecordDeliveryAttempt(DELIVERY, 1, NOW.plusMillis(1),
                        SETTINGS.attemptWatchdog().toMillis(), null,
                        "no outcome was recorded for this attempt (the server may have stopped during it)", null, null));
    }

    @Test
    void aDisabledSubscriptionEndsItsDeliveries() throws Exception {
        fixture(() -> 0.5).givenCurrentTime(NOW)
                .andThenAPublished(SCHEDULED)
                .whenPublishingA(new WebhookSubscriptionDisabled(SUBSCRIPTION, ORG, "20 deliveries in a row failed"))
                .expectDispatchedCommands(new FailDelivery(DELIVERY,
                        "the subscription was disabled: 20 deliveries in a row failed"));
    }

    @Test
    void aRedeliveryStartsANewSeriesUnderTheSameId() throws Exception {
        fixture(() -> 0.5).givenCurrentTime(NOW)
                .whenPublishingA(new DeliveryRedeliveryRequested(DELIVERY, SUBSCRIPTION, ORG, "item.created", "{}", 5))
                .expectActiveSagas(1)
                .expectScheduledDeadline(Duration.ZERO, new AttemptDue(DELIVERY, 5));
    }

    @Test
    void aStuckDeliveryRedeliveredWhileWaitingReplacesItsPendingAttempt() throws Exception {
        fixture(() -> 0.5).givenCurrentTime(NOW)
                .andThenAPublished(SCHEDULED)
                .andThenAPublished(failed(1, 500, null))
                .whenPublishingA(new DeliveryRedeliveryRequested(DELIVERY, SUBSCRIPTION, ORG, "item.created", "{}", 2))
                .expectActiveSagas(1)
                .expectScheduledDeadline(Duration.ZERO, new AttemptDue(DELIVERY, 2))
                .expectNoScheduledDeadline(Duration.ofSeconds(10), new AttemptDue(DELIVERY, 2));
    }

    @Test
    void aCommandThatFailsIsSentAgainFromAPersistedDeadlineUntilItIsTaken() throws Exception {
        AtomicInteger failuresLeft = new AtomicInteger(2);
        SagaTestFixture<DeliverySaga> fixture = fixture(() -> 0.5);
        fixture.setCallbackBehavior((command, metaData) -> {
            if (failuresLeft.getAndDecrement() > 0) {
                throw new IllegalStateException("the event store is unavailable");
            }
            return null;
        });
        FailDelivery fail = new FailDelivery(DELIVERY, "the subscription was disabled: 20 deliveries in a row failed");
        WebhookSubscriptionDisabled disabled = new WebhookSubscriptionDisabled(SUBSCRIPTION, ORG,
                "20 deliveries in a row failed");

        fixture.givenCurrentTime(NOW)
                .andThenAPublished(SCHEDULED)
                .whenPublishingA(disabled)
                .expectDispatchedCommands(fail)
                .expectScheduledDeadlineWithName(Duration.ofSeconds(1), DeliverySaga.COMMAND_RETRY);

        fixture.whenTimeElapses(Duration.ofSeconds(1))
                .expectDispatchedCommands(fail)
                .expectScheduledDeadlineWithName(Duration.ofSeconds(2), DeliverySaga.COMMAND_RETRY);

        fixture.whenTimeElapses(Duration.ofSeconds(2))
                .expectDispatchedCommands(fail)
                .expectNoScheduledDeadlineWithName(Duration.ofSeconds(4), DeliverySaga.COMMAND_RETRY);
        assertThat(failuresLeft.get()).isNegative();
    }

    @Test
    void commandRetriesBackOffExponentiallyUpToFiveMinutes() {
        assertThat(DeliverySaga.backoff(0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(DeliverySaga.backoff(3)).isEqualTo(Duration.ofSeconds(8));
        assertThat(DeliverySaga.backoff(12)).isEqualTo(Duration.ofMinutes(5));
        assertThat(DeliverySaga.backoff(49)).isEqualTo(Duration.ofMinutes(5));
    }
}
