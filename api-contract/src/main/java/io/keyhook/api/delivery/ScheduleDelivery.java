package io.keyhook.api.delivery;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * Creates one delivery, idempotently. The dispatcher makes the first attempt before it sends this
 * command and reports its outcome here ({@code firstAttempt}), or, when the receiver has not answered
 * yet, when it started ({@code firstAttemptStartedAt}; the outcome follows as a
 * {@link RecordDeliveryAttempt}). With neither, the first attempt is scheduled to start at once.
 */
public record ScheduleDelivery(@TargetAggregateIdentifier String deliveryId, String subscriptionId,
                               String organizationId, String eventId, String eventType, String body,
                               Instant occurredAt, Instant firstAttemptStartedAt, AttemptResult firstAttempt) {

    /** A delivery whose first attempt is scheduled, not yet made. */
    public static ScheduleDelivery unattempted(String deliveryId, String subscriptionId, String organizationId,
                                               String eventId, String eventType, String body, Instant occurredAt) {
        return new ScheduleDelivery(deliveryId, subscriptionId, organizationId, eventId, eventType, body, occurredAt,
                null, null);
    }

    /** The same delivery, its first attempt started at {@code startedAt} and its outcome, if known yet. */
    public ScheduleDelivery attempted(Instant startedAt, AttemptResult outcome) {
        return new ScheduleDelivery(deliveryId, subscriptionId, organizationId, eventId, eventType, body, occurredAt,
                startedAt, outcome);
    }
}
