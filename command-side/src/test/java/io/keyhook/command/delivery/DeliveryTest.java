package io.keyhook.command.delivery;

import io.keyhook.api.common.ErrorCode;
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
import io.keyhook.api.delivery.ScheduleDeliveryRetry;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;

class DeliveryTest {

    private static final String ID = "msg_1";
    private static final Instant AT = Instant.parse("2026-03-01T10:00:00Z");
    private static final DeliveryScheduled SCHEDULED = new DeliveryScheduled(ID, "sub-1", "org-1", "evt-1",
            "item.created", "{}", AT);

    private AggregateTestFixture<Delivery> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Delivery.class);
    }

    private static RecordDeliveryAttempt attempt(int number, Integer status) {
        return new RecordDeliveryAttempt(ID, number, AT, 10, status, status == 200 ? null : "the receiver answered " + status,
                null, null);
    }

    private static DeliveryAttempted attempted(int number, Integer status, boolean succeeded) {
        return new DeliveryAttempted(ID, "sub-1", "org-1", number, AT, 10, status,
                succeeded ? null : "the receiver answered " + status, null, null, succeeded);
    }

    @Test
    void schedules() {
        fixture.givenNoPriorActivity()
                .when(new ScheduleDelivery(ID, "sub-1", "org-1", "evt-1", "item.created", "{}", AT))
                .expectEvents(SCHEDULED);
    }

    /** What both event stores do with a second creation is never reached: the existing delivery is found. */
    @Test
    void schedulingAgainChangesNothing() {
        fixture.given(SCHEDULED)
                .when(new ScheduleDelivery(ID, "sub-1", "org-1", "evt-1", "item.created", "{}", AT))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
        fixture.given(SCHEDULED, attempted(1, 200, true), new DeliverySucceeded(ID, "sub-1", "org-1", 1))
                .when(new ScheduleDelivery(ID, "sub-1", "org-1", "evt-1", "item.created", "{}", AT))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void aTwoHundredSucceeds() {
        fixture.given(SCHEDULED)
                .when(attempt(1, 200))
                .expectEvents(attempted(1, 200, true), new DeliverySucceeded(ID, "sub-1", "org-1", 1));
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
    void aRetryIsScheduledOnceForTheNextAttempt() {
        fixture.given(SCHEDULED, attempted(1, 500, false))
                .when(new ScheduleDeliveryRetry(ID, 2, AT.plusSeconds(10)))
                .expectEvents(new DeliveryRetryScheduled(ID, "sub-1", "org-1", 2, AT.plusSeconds(10)));
        fixture.given(SCHEDULED, attempted(1, 500, false), new DeliveryRetryScheduled(ID, "sub-1", "org-1", 2, AT))
                .when(new ScheduleDeliveryRetry(ID, 2, AT.plusSeconds(10)))
                .expectNoEvents();
    }

    @Test
    void anyDeliveryNotSucceededCanBeRedeliveredAndThenContinuesItsNumbering() {
        fixture.given(SCHEDULED, attempted(1, 500, false), new DeliveryFailed(ID, "sub-1", "org-1", 1, "gave up"))
                .when(new RedeliverDelivery(ID, "org-1"))
                .expectEvents(new DeliveryRedeliveryRequested(ID, "sub-1", "org-1", "item.created", "{}", 2));
        // stuck while waiting: its next step was lost
        fixture.given(SCHEDULED, attempted(1, 500, false))
                .when(new RedeliverDelivery(ID, "org-1"))
                .expectEvents(new DeliveryRedeliveryRequested(ID, "sub-1", "org-1", "item.created", "{}", 2));
        fixture.given(SCHEDULED, attempted(1, 200, true), new DeliverySucceeded(ID, "sub-1", "org-1", 1))
                .when(new RedeliverDelivery(ID, "org-1"))
                .expectExceptionDetails(ErrorCode.CONFLICT);
        fixture.given(SCHEDULED, new DeliveryFailed(ID, "sub-1", "org-1", 0, "gave up"))
                .when(new RedeliverDelivery(ID, "org-2"))
                .expectExceptionDetails(ErrorCode.NOT_FOUND);
    }

    @Test
    void failsOnce() {
        fixture.given(SCHEDULED, attempted(1, 500, false))
                .when(new FailDelivery(ID, "gave up after 1 attempts"))
                .expectEvents(new DeliveryFailed(ID, "sub-1", "org-1", 1, "gave up after 1 attempts"));
        fixture.given(SCHEDULED, new DeliveryFailed(ID, "sub-1", "org-1", 0, "x"))
                .when(new FailDelivery(ID, "again"))
                .expectNoEvents();
    }
}
