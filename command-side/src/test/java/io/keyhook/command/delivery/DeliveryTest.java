package io.keyhook.command.delivery;

import io.keyhook.api.common.ErrorCode;
import io.keyhook.api.delivery.AttemptResult;
import io.keyhook.api.delivery.DeliveryAttemptStarted;
import io.keyhook.api.delivery.DeliveryAttempted;
import io.keyhook.api.delivery.DeliveryFailed;
import io.keyhook.api.delivery.DeliveryRedeliveryRequested;
import io.keyhook.api.delivery.DeliveryRetryScheduled;
import io.keyhook.api.delivery.DeliveryScheduled;
import io.keyhook.api.delivery.DeliverySucceeded;
import io.keyhook.api.delivery.FailDelivery;
import io.keyhook.api.delivery.RecordDeliveryAttempt;
import io.keyhook.api.delivery.RedeliverDelivery;
import io.keyhook.api.delivery.ScheduleDelivery;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

class DeliveryTest {

    private static final String ID = "msg_1";
    private static final Instant AT = Instant.parse("2026-03-01T10:00:00Z");
    private static final DeliveryScheduled SCHEDULED = new DeliveryScheduled(ID, "sub-1", "org-1", "evt-1",
            "item.created", "{}", AT);
    /** No jitter: retry n waits 10 s * 4^(n-1); two retries. */
    private static final RetryPolicy RETRIES = new RetryPolicy(
            new RetryPolicy.Backoff(2, Duration.ofSeconds(10), 4, Duration.ofHours(1), 0), () -> 0.5);

    private AggregateTestFixture<Delivery> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Delivery.class);
        fixture.registerInjectableResource(RETRIES);
    }

    private static AttemptResult result(int number, Integer status) {
        return new AttemptResult(number, AT, 10, status, status != null && status == 200 ? null
                : "the receiver answered " + status, null, null);
    }

    private static RecordDeliveryAttempt attempt(int number, Integer status) {
        return new RecordDeliveryAttempt(ID, result(number, status));
    }

    private static DeliveryAttempted attempted(int number, Integer status, boolean succeeded) {
        return new DeliveryAttempted(ID, "sub-1", "org-1", number, AT, 10, status,
                succeeded ? null : "the receiver answered " + status, null, null, succeeded);
    }

    private static ScheduleDelivery schedule(Instant startedAt, AttemptResult first) {
        return new ScheduleDelivery(ID, "sub-1", "org-1", "evt-1", "item.created", "{}", AT, startedAt, first);
    }

    private static DeliveryRetryScheduled retry(int attempt, Instant dueAt) {
        return new DeliveryRetryScheduled(ID, "sub-1", "org-1", attempt, dueAt, "item.created", "{}");
    }

    @Test
    void aDeliveryWhoseFirstAttemptSucceededIsRecordedWithItInOneCommand() {
        fixture.givenNoPriorActivity()
                .when(schedule(AT, result(1, 200)))
                .expectEvents(SCHEDULED, attempted(1, 200, true), new DeliverySucceeded(ID, "sub-1", "org-1", 1));
    }

    @Test
    void aFirstAttemptStillRunningIsRecordedAsStarted() {
        fixture.givenNoPriorActivity()
                .when(schedule(AT, null))
                .expectEvents(SCHEDULED, new DeliveryAttemptStarted(ID, "sub-1", "org-1", 1, AT, "item.created", "{}"));
    }

    @Test
    void aDeliveryNotAttemptedYetHasItsFirstAttemptDueAtOnce() {
        fixture.givenNoPriorActivity()
                .when(ScheduleDelivery.unattempted(ID, "sub-1", "org-1", "evt-1", "item.created", "{}", AT))
                .expectEvents(SCHEDULED, retry(1, AT));
    }

    @Test
    void aFailedFirstAttemptSchedulesTheFirstRetryAfterItEnded() {
        fixture.givenNoPriorActivity()
                .when(schedule(AT, result(1, 500)))
                .expectEvents(SCHEDULED, attempted(1, 500, false), retry(2, AT.plusMillis(10).plusSeconds(10)));
    }

    /** What both event stores do with a second creation is never reached: the existing delivery is found. */
    @Test
    void schedulingAgainOnlyRecordsAFirstAttemptNotKnownYet() {
        fixture.given(SCHEDULED)
                .when(schedule(AT, null))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
        fixture.given(SCHEDULED, attempted(1, 200, true), new DeliverySucceeded(ID, "sub-1", "org-1", 1))
                .when(schedule(AT, result(1, 200)))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
        fixture.given(SCHEDULED, new DeliveryAttemptStarted(ID, "sub-1", "org-1", 1, AT, "item.created", "{}"))
                .when(schedule(AT, result(1, 200)))
                .expectEvents(attempted(1, 200, true), new DeliverySucceeded(ID, "sub-1", "org-1", 1));
    }

    @Test
    void aTwoHundredSucceeds() {
        fixture.given(SCHEDULED)
                .when(attempt(1, 200))
                .expectEvents(attempted(1, 200, true), new DeliverySucceeded(ID, "sub-1", "org-1", 1));
    }

    @Test
    void retriesWaitLongerEachTimeAndTheDeliveryGivesUpWhenTheyAreSpent() {
        fixture.given(SCHEDULED, attempted(1, 500, false), retry(2, AT))
                .when(attempt(2, 503))
                .expectEvents(attempted(2, 503, false), retry(3, AT.plusMillis(10).plusSeconds(40)));
        fixture.given(SCHEDULED, attempted(1, 500, false), retry(2, AT), attempted(2, 500, false), retry(3, AT))
                .when(attempt(3, 500))
                .expectEvents(attempted(3, 500, false),
                        new DeliveryFailed(ID, "sub-1", "org-1", 3, "gave up after 3 attempts", 500));
    }

    @Test
    void aRetryAfterLongerThanTheBackoffIsHonoured() {
        fixture.given(SCHEDULED)
                .when(new RecordDeliveryAttempt(ID, new AttemptResult(1, AT, 10, 429, "the receiver answered 429",
                        null, 120L)))
                .expectEvents(new DeliveryAttempted(ID, "sub-1", "org-1", 1, AT, 10, 429, "the receiver answered 429",
                        null, 120L, false), retry(2, AT.plusMillis(10).plusSeconds(120)));
    }

    @Test
    void aGoneReceiverEndsTheDeliveryAtOnce() {
        fixture.given(SCHEDULED)
                .when(attempt(1, 410))
                .expectEvents(attempted(1, 410, false), new DeliveryFailed(ID, "sub-1", "org-1", 1,
                        "the receiver answered 410 Gone; the subscription is disabled", 410));
    }

    @Test
    void aDuplicateOrOutOfOrderReportChangesNothing() {
        fixture.given(SCHEDULED, attempted(1, 500, false))
                .when(attempt(1, 500))
                .expectNoEvents();
        fixture.given(SCHEDULED)
                .when(attempt(2, 200))
                .expectNoEvents();
        fixture.given(SCHEDULED, attempted(1, 200, true), new DeliverySucceeded(ID, "sub-1", "org-1", 1))
                .when(attempt(2, 200))
                .expectNoEvents();
    }

    @Test
    void anyDeliveryNotSucceededCanBeRedeliveredAndThenContinuesItsNumberingWithAFreshRetryBudget() {
        DeliveryFailed gaveUp = new DeliveryFailed(ID, "sub-1", "org-1", 1, "gave up", 500);
        fixture.given(SCHEDULED, attempted(1, 500, false), gaveUp)
                .when(new RedeliverDelivery(ID, "org-1"))
                .expectEvents(new DeliveryRedeliveryRequested(ID, "sub-1", "org-1", "item.created", "{}", 2));
        fixture.given(SCHEDULED, attempted(1, 500, false), gaveUp,
                        new DeliveryRedeliveryRequested(ID, "sub-1", "org-1", "item.created", "{}", 2))
                .when(attempt(2, 500))
                .expectEvents(attempted(2, 500, false), retry(3, AT.plusMillis(10).plusSeconds(10)));
        // stuck while waiting: its next step was lost
        fixture.given(SCHEDULED, attempted(1, 500, false))
                .when(new RedeliverDelivery(ID, "org-1"))
                .expectEvents(new DeliveryRedeliveryRequested(ID, "sub-1", "org-1", "item.created", "{}", 2));
        fixture.given(SCHEDULED, attempted(1, 200, true), new DeliverySucceeded(ID, "sub-1", "org-1", 1))
                .when(new RedeliverDelivery(ID, "org-1"))
                .expectExceptionDetails(ErrorCode.CONFLICT);
        fixture.given(SCHEDULED, new DeliveryFailed(ID, "sub-1", "org-1", 0, "gave up", null))
                .when(new RedeliverDelivery(ID, "org-2"))
                .expectExceptionDetails(ErrorCode.NOT_FOUND);
    }

    @Test
    void failsOnce() {
        fixture.given(SCHEDULED, attempted(1, 500, false))
                .when(new FailDelivery(ID, "the subscription was deleted"))
                .expectEvents(new DeliveryFailed(ID, "sub-1", "org-1", 1, "the subscription was deleted", null));
        fixture.given(SCHEDULED, new DeliveryFailed(ID, "sub-1", "org-1", 0, "x", null))
                .when(new FailDelivery(ID, "again"))
                .expectNoEvents();
    }
}
