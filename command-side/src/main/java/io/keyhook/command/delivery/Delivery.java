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
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;

import static io.keyhook.command.common.Rejections.rejected;
import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * One event on its way to one subscription. Attempts are numbered and recorded strictly in order
 * (the next one after the last recorded), so a report that arrives twice or late (a retried
 * command, a restarted server) changes nothing. After a failed attempt the delivery decides what
 * follows: a retry after the {@link RetryPolicy}'s wait, or giving up when the retries of this
 * series are spent or the receiver answered {@code 410 Gone}.
 */
@Aggregate
public class Delivery {

    static final int GONE = 410;

    private enum State { WAITING, SUCCEEDED, FAILED }

    @AggregateIdentifier
    private String deliveryId;
    private String subscriptionId;
    private String organizationId;
    private String eventType;
    private String body;
    private State state;
    private int lastRecordedAttempt;
    private int firstAttemptOfSeries = 1;

    protected Delivery() {
    }

    /**
     * Idempotent whatever the event store: scheduling an existing delivery again (a dispatcher batch
     * handled twice) finds it and only records a first attempt it did not know of yet, instead of
     * relying on how a given store reports a second creation (a duplicate-key error on JDBC, a
     * concurrency error on Axon Server).
     */
    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(ScheduleDelivery command, RetryPolicy retries) {
        if (state == null) {
            apply(new DeliveryScheduled(command.deliveryId(), command.subscriptionId(), command.organizationId(),
                    command.eventId(), command.eventType(), command.body(), command.occurredAt()));
            if (command.firstAttempt() == null && command.firstAttemptStartedAt() != null) {
                apply(new DeliveryAttemptStarted(deliveryId, subscriptionId, organizationId, 1,
                        command.firstAttemptStartedAt(), eventType, body));
            } else if (command.firstAttempt() == null) {
                apply(new DeliveryRetryScheduled(deliveryId, subscriptionId, organizationId, 1, command.occurredAt(),
                        eventType, body));
            }
        }
        if (command.firstAttempt() != null) {
            record(command.firstAttempt(), retries);
        }
    }

    @CommandHandler
    public void handle(RecordDeliveryAttempt command, RetryPolicy retries) {
        record(command.result(), retries);
    }

    private void record(AttemptResult result, RetryPolicy retries) {
        if (state != State.WAITING || result.attempt() != lastRecordedAttempt + 1) {
            return;
        }
        apply(new DeliveryAttempted(deliveryId, subscriptionId, organizationId, result.attempt(), result.startedAt(),
                result.durationMs(), result.statusCode(), result.error(), result.responseBody(),
                result.retryAfterSeconds(), result.succeeded()));
        if (result.succeeded()) {
            apply(new DeliverySucceeded(deliveryId, subscriptionId, organizationId, result.attempt()));
            return;
        }
        if (Integer.valueOf(GONE).equals(result.statusCode())) {
            apply(new DeliveryFailed(deliveryId, subscriptionId, organizationId, result.attempt(),
                    "the receiver answered 410 Gone; the subscription is disabled", result.statusCode()));
            return;
        }
        int made = result.attempt() - firstAttemptOfSeries + 1;
        if (made > retries.maxRetries()) {
            apply(new DeliveryFailed(deliveryId, subscriptionId, organizationId, result.attempt(),
                    "gave up after " + made + " attempts", result.statusCode()));
            return;
        }
        apply(new DeliveryRetryScheduled(deliveryId, subscriptionId, organizationId, result.attempt() + 1,
                result.endedAt().plus(retries.delayBefore(made, result.retryAfterSeconds())), eventType, body));
    }

    @CommandHandler
    public void handle(FailDelivery command) {
        if (state == State.WAITING) {
            apply(new DeliveryFailed(deliveryId, subscriptionId, organizationId, lastRecordedAttempt, command.reason(),
                    null));
        }
    }

    @CommandHandler
    public void handle(RedeliverDelivery command) {
        if (!organizationId.equals(command.organizationId())) {
            throw rejected(ErrorCode.NOT_FOUND, "delivery not found");
        }
        // A waiting delivery can be stuck (its next step lost): redelivering it starts a new series.
        if (state == State.SUCCEEDED) {
            throw rejected(ErrorCode.CONFLICT, "the delivery succeeded already");
        }
        apply(new DeliveryRedeliveryRequested(deliveryId, subscriptionId, organizationId, eventType, body,
                lastRecordedAttempt + 1));
    }

    @EventSourcingHandler
    void on(DeliveryScheduled event) {
        deliveryId = event.deliveryId();
        subscriptionId = event.subscriptionId();
        organizationId = event.organizationId();
        eventType = event.eventType();
        body = event.body();
        state = State.WAITING;
    }

    @EventSourcingHandler
    void on(DeliveryAttempted event) {
        lastRecordedAttempt = event.attempt();
    }

    @EventSourcingHandler
    void on(DeliverySucceeded event) {
        state = State.SUCCEEDED;
    }

    @EventSourcingHandler
    void on(DeliveryFailed event) {
        state = State.FAILED;
    }

    @EventSourcingHandler
    void on(DeliveryRedeliveryRequested event) {
        state = State.WAITING;
        firstAttemptOfSeries = event.firstAttempt();
    }
}
