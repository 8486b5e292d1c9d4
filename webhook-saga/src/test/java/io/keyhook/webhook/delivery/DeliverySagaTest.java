package io.keyhook.webhook.delivery;

import io.keyhook.api.delivery.AttemptResult;
import io.keyhook.api.delivery.DeliveryAttemptStarted;
import io.keyhook.api.delivery.DeliveryAttempted;
import io.keyhook.api.delivery.DeliveryFailed;
import io.keyhook.api.delivery.DeliveryRedeliveryRequested;
import io.keyhook.api.delivery.DeliveryRetryScheduled;
import io.keyhook.api.delivery.DeliverySucceeded;
import io.keyhook.api.delivery.FailDelivery;
import io.keyhook.api.delivery.RecordDeliveryAttempt;
import io.keyhook.api.webhook.WebhookSubscriptionDeleted;
import io.keyhook.api.webhook.WebhookSubscriptionDisabled;
import io.keyhook.webhook.WebhookSettings;
import org.axonframework.test.saga.SagaTestFixture;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class DeliverySagaTest {

    private static final String DELIVERY = "msg_1";
    private static final String SUBSCRIPTION = "sub-1";
    private static final String ORG = "org-1";
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final DeliveryRetryScheduled RETRY = retry(2, NOW.plusSeconds(10));
    private static final DeliveryAttemptStarted STARTED = new DeliveryAttemptStarted(DELIVERY, SUBSCRIPTION, ORG, 1,
            NOW, "item.created", "{}");
    private static final WebhookSettings SETTINGS = WebhookSettings.defaults();

    /** The HTTP side of an attempt, as the saga sees it: it only starts attempts. */
    static class RecordingAttempts implements WebhookAttempts {
        final List<AttemptRequest> started = new CopyOnWriteArrayList<>();

        @Override
        public void start(AttemptRequest request) {
            started.add(request);
        }

        @Override
        public Mono<AttemptResult> attempt(AttemptRequest request) {
            return Mono.error(new AssertionError("the saga only starts attempts"));
        }
    }

    private final RecordingAttempts attempts = new RecordingAttempts();

    private SagaTestFixture<DeliverySaga> fixture() {
        SagaTestFixture<DeliverySaga> fixture = new SagaTestFixture<>(DeliverySaga.class);
        fixture.registerResource(attempts);
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

    private static DeliveryRetryScheduled retry(int attempt, Instant dueAt) {
        return new DeliveryRetryScheduled(DELIVERY, SUBSCRIPTION, ORG, attempt, dueAt, "item.created", "{}");
    }

    private static DeliveryAttempted attempted(int attempt, int status) {
        return new DeliveryAttempted(DELIVERY, SUBSCRIPTION, ORG, attempt, NOW, 12, status,
                status == 200 ? null : "the receiver answered " + status, null, null, status == 200);
    }

    @Test
    void aRetryIsAPersistedDeadlineAtItsDueTime() throws Exception {
        fixture().givenCurrentTime(NOW)
                .whenPublishingA(RETRY)
                .expectActiveSagas(1)
                .expectAssociationWith("subscriptionId", SUBSCRIPTION)
                .expectScheduledDeadline(Duration.ofSeconds(10), new AttemptDue(DELIVERY, 2))
                .expectNoDispatchedCommands();
    }

    @Test
    void aDueAttemptIsStartedAndWatched() throws Exception {
        fixture().givenCurrentTime(NOW)
                .andThenAPublished(RETRY)
                .whenTimeElapses(Duration.ofSeconds(10))
                .expectDeadlinesMet(new AttemptDue(DELIVERY, 2))
                .expectScheduledDeadline(SETTINGS.attemptWatchdog(), new AttemptDue(DELIVERY, 2));
        assertThat(attempts.started).containsExactly(new AttemptRequest(DELIVERY, SUBSCRIPTION, "item.created", "{}", 2));
    }

    @Test
    void theNextRetryReplacesTheWatchdogOfTheFailedAttempt() throws Exception {
        fixture().givenCurrentTime(NOW)
                .andThenAPublished(RETRY)
                .andThenTimeElapses(Duration.ofSeconds(10))
                .andThenAPublished(attempted(2, 500))
                .whenPublishingA(retry(3, NOW.plusSeconds(60)))
                .expectScheduledDeadline(Duration.ofSeconds(50), new AttemptDue(DELIVERY, 3))
                .expectNoScheduledDeadline(SETTINGS.attemptWatchdog(), new AttemptDue(DELIVERY, 2))
                .expectNoDispatchedCommands();
    }

    @Test
    void aFirstAttemptStillRunningIsWatchedFromWhenItStarted() throws Exception {
        fixture().givenCurrentTime(NOW.plusSeconds(2))
                .whenPublishingA(STARTED)
                .expectActiveSagas(1)
                .expectScheduledDeadline(SETTINGS.attemptWatchdog().minusSeconds(2), new AttemptDue(DELIVERY, 1));
        assertThat(attempts.started).isEmpty();
    }

    @Test
    void anAttemptWhoseOutcomeNeverArrivesCountsAsFailed() throws Exception {
        fixture().givenCurrentTime(NOW)
                .andThenAPublished(STARTED)
                .whenTimeElapses(SETTINGS.attemptWatchdog())
                .expectDispatchedCommands(new RecordDeliveryAttempt(DELIVERY, new AttemptResult(1, NOW,
                        SETTINGS.attemptWatchdog().toMillis(), null,
                        "no outcome was recorded for this attempt (the server may have stopped during it)", null, null)));
    }

    @Test
    void aFirstAttemptThatFailsIsFollowedByItsRetryInPlaceOfTheWatchdog() throws Exception {
        fixture().givenCurrentTime(NOW)
                .andThenAPublished(STARTED)
                .whenPublishingA(retry(2, NOW.plusSeconds(10)))
                .expectScheduledDeadline(Duration.ofSeconds(10), new AttemptDue(DELIVERY, 2))
                .expectNoScheduledDeadline(SETTINGS.attemptWatchdog(), new AttemptDue(DELIVERY, 1))
                .expectNoDispatchedCommands();
    }

    @Test
    void successEndsTheSagaAndCancelsItsDeadlines() throws Exception {
        fixture().givenCurrentTime(NOW)
                .andThenAPublished(RETRY)
                .andThenTimeElapses(Duration.ofSeconds(10))
                .andThenAPublished(attempted(2, 200))
                .whenPublishingA(new DeliverySucceeded(DELIVERY, SUBSCRIPTION, ORG, 2))
                .expectActiveSagas(0)
                .expectNoScheduledDeadlines()
                .expectNoDispatchedCommands();
    }

    @Test
    void failureEndsTheSagaAndCancelsItsDeadlines() throws Exception {
        fixture().givenCurrentTime(NOW)
                .andThenAPublished(RETRY)
                .whenPublishingA(new DeliveryFailed(DELIVERY, SUBSCRIPTION, ORG, 1, "gave up", 500))
                .expectActiveSagas(0)
                .expectNoScheduledDeadlines();
    }

    @Test
    void aDisabledOrDeletedSubscriptionEndsItsDeliveries() throws Exception {
        fixture().givenCurrentTime(NOW)
                .andThenAPublished(RETRY)
                .whenPublishingA(new WebhookSubscriptionDisabled(SUBSCRIPTION, ORG, "20 deliveries in a row failed"))
                .expectDispatchedCommands(new FailDelivery(DELIVERY,
                        "the subscription was disabled: 20 deliveries in a row failed"));
        fixture().givenCurrentTime(NOW)
                .andThenAPublished(STARTED)
                .whenPublishingA(new WebhookSubscriptionDeleted(SUBSCRIPTION, ORG))
                .expectDispatchedCommands(new FailDelivery(DELIVERY, "the subscription was deleted"));
    }

    @Test
    void aRedeliveryStartsANewSeriesUnderTheSameId() throws Exception {
        fixture().givenCurrentTime(NOW)
                .whenPublishingA(new DeliveryRedeliveryRequested(DELIVERY, SUBSCRIPTION, ORG, "item.created", "{}", 5))
                .expectActiveSagas(1)
                .expectScheduledDeadline(Duration.ZERO, new AttemptDue(DELIVERY, 5));
    }

    @Test
    void aStuckDeliveryRedeliveredWhileWaitingReplacesItsPendingAttempt() throws Exception {
        fixture().givenCurrentTime(NOW)
                .andThenAPublished(RETRY)
                .whenPublishingA(new DeliveryRedeliveryRequested(DELIVERY, SUBSCRIPTION, ORG, "item.created", "{}", 2))
                .expectActiveSagas(1)
                .expectScheduledDeadline(Duration.ZERO, new AttemptDue(DELIVERY, 2))
                .expectNoScheduledDeadline(Duration.ofSeconds(10), new AttemptDue(DELIVERY, 2));
    }

    @Test
    void aRetryRecordedBeforeItCarriedTheBodyKeepsTheBodyTheSagaHas() throws Exception {
        fixture().givenCurrentTime(NOW)
                .andThenAPublished(RETRY)
                .andThenAPublished(new DeliveryRetryScheduled(DELIVERY, SUBSCRIPTION, ORG, 3, NOW, null, null))
                .whenTimeElapses(Duration.ofMillis(1))
                .expectDeadlinesMet(new AttemptDue(DELIVERY, 3));
        assertThat(attempts.started).containsExactly(new AttemptRequest(DELIVERY, SUBSCRIPTION, "item.created", "{}", 3));
    }

    @Test
    void aCommandThatFailsIsSentAgainFromAPersistedDeadlineUntilItIsTaken() throws Exception {
        AtomicInteger failuresLeft = new AtomicInteger(2);
        SagaTestFixture<DeliverySaga> fixture = fixture();
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
                .andThenAPublished(RETRY)
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
