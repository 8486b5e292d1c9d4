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
 * command, a restarted server) changes nothing. What to do after a failed attempt is the DeliverySaga's decision.
 */
@Aggregate
public class Delivery {

    private enum State { WAITING, SUCCEEDED, FAILED }

    @AggregateIdentifier
    private String deliveryId;
    private String subscriptionId;
    private String organizationId;
    private String eventType;
    private String body;
    private State state;
    private int lastRecordedAttempt;
    private int retryScheduledFor;

    protected Delivery() {
    }

    /**
     * Idempotent whatever the event store: scheduling an existing delivery again (a dispatcher batch
     * handled twice) finds it and does nothing, instead of relying on how a given store reports a
     * second creation (a duplicate-key error on JDBC, a concurrency error on Axon Server).
     */
    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(ScheduleDelivery command) {
        if (state != null) {
            return;
        }
        apply(new DeliveryScheduled(command.deliveryId(), command.subscriptionId(), command.organizationId(),
                command.eventId(), command.eventType(), command.body(), command.occurredAt()));
    }

    @CommandHandler
    public void handle(RecordDeliveryAttempt command) {
        if (state != State.WAITING || command.attempt() != lastRecordedAttempt + 1) {
            return;
        }
        boolean succeeded = command.statusCode() != null && command.statusCode() >= 200 && command.statusCode() < 300;
        apply(new DeliveryAttempted(deliveryId, subscriptionId, organizationId, command.attempt(), command.startedAt(),
                command.durationMs(), command.statusCode(), command.error(), command.responseBody(),
                command.retryAfterSeconds(), succeeded));
        if (succeeded) {
            apply(new DeliverySucceeded(deliveryId, subscriptionId, organizationId, command.attempt()));
        }
    }

    @CommandHandler
    public void handle(ScheduleDeliveryRetry command) {
        if (state == State.WAITING && command.attempt() == lastRecordedAttempt + 1
                && command.attempt() > retryScheduledFor) {
            apply(new DeliveryRetryScheduled(deliveryId, subscriptionId, organizationId, command.attempt(),
                    command.dueAt()));
        }
    }

    @CommandHandler
    public void handle(FailDelivery command) {
        if (state == State.WAITING) {
            apply(new DeliveryFailed(deliveryId, subscriptionId, organizationId, lastRecordedAttempt, command.reason()));
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
    void on(DeliveryRetryScheduled event) {
        retryScheduledFor = event.attempt();
    }

    @EventSourcingHandler
    void on(DeliveryFailed event) {
        state = State.FAILED;
    }

    @EventSourcingHandler
    void on(DeliveryRedeliveryRequested event) {
        state = State.WAITING;
    }
}
