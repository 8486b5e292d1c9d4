package io.keyhook.webhook.delivery;

import io.keyhook.api.delivery.DeliveryAttemptStarted;
import io.keyhook.api.delivery.AttemptResult;
import io.keyhook.api.delivery.DeliveryFailed;
import io.keyhook.api.delivery.DeliveryRedeliveryRequested;
import io.keyhook.api.delivery.DeliveryRetryScheduled;
import io.keyhook.api.delivery.DeliverySucceeded;
import io.keyhook.api.delivery.FailDelivery;
import io.keyhook.api.delivery.RecordDeliveryAttempt;
import io.keyhook.api.webhook.WebhookSubscriptionDeleted;
import io.keyhook.api.webhook.WebhookSubscriptionDisabled;
import io.keyhook.webhook.WebhookSettings;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.annotation.DeadlineHandler;
import org.axonframework.messaging.GenericMessage;
import org.axonframework.messaging.ScopeDescriptor;
import org.axonframework.messaging.annotation.MetaDataValue;
import org.axonframework.modelling.saga.EndSaga;
import org.axonframework.modelling.saga.SagaEventHandler;
import org.axonframework.modelling.saga.SagaLifecycle;
import org.axonframework.modelling.saga.StartSaga;
import org.axonframework.spring.stereotype.Saga;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * The slow path of a delivery: retries, and first attempts whose receiver had not answered when the
 * dispatcher recorded them. A delivery whose first attempt succeeded never has a saga.
 * <p>Each retry is a persisted deadline, so a restart neither loses nor repeats one; the attempt
 * runs on the reactive HTTP client, off this thread, and reports back with a command; a watchdog
 * deadline turns an attempt whose outcome never arrived (the server stopped during it) into a failed
 * one. An outcome is always followed by the Delivery's decision (the next retry, success or giving
 * up), and each of those replaces the watchdog. A disabled or deleted subscription ends its
 * deliveries.
 * <p>A command of the saga that fails (the command bus or the event store was unavailable) is sent
 * again from a persisted deadline, with backoff, until it is taken (every target handles a repeat
 * idempotently).
 */
@Saga
public class DeliverySaga {

    public static final String ATTEMPT_DUE = "webhook-attempt-due";
    public static final String ATTEMPT_WATCHDOG = "webhook-attempt-watchdog";
    public static final String COMMAND_RETRY = "webhook-command-retry";
    static final String TRIES = "tries";
    private static final int MAX_COMMAND_TRIES = 50;
    private static final Duration MAX_COMMAND_BACKOFF = Duration.ofMinutes(5);
    private static final Logger log = LoggerFactory.getLogger(DeliverySaga.class);

    private String deliveryId;
    private String subscriptionId;
    private String organizationId;
    private String eventType;
    private String body;
    private int attempt;
    private String dueDeadlineId;
    private String watchdogDeadlineId;

    @Autowired
    private transient DeadlineManager deadlines;
    @Autowired
    private transient CommandGateway commands;
    @Autowired
    private transient WebhookAttempts attempts;
    @Autowired
    private transient Clock clock;
    @Autowired
    private transient WebhookSettings settings;

    /** The first attempt is under way: watch for its outcome. */
    @StartSaga
    @SagaEventHandler(associationProperty = "deliveryId")
    public void on(DeliveryAttemptStarted event) {
        follow(event.deliveryId(), event.subscriptionId(), event.organizationId(), event.eventType(), event.body());
        attempt = event.attempt();
        watchdogDeadlineId = deadlines.schedule(event.startedAt().plus(settings.attemptWatchdog()), ATTEMPT_WATCHDOG,
                new AttemptDue(deliveryId, attempt));
    }

    @StartSaga
    @SagaEventHandler(associationProperty = "deliveryId")
    public void on(DeliveryRetryScheduled event) {
        follow(event.deliveryId(), event.subscriptionId(), event.organizationId(), event.eventType(), event.body());
        attempt = event.attempt();
        dueDeadlineId = deadlines.schedule(event.dueAt(), ATTEMPT_DUE, new AttemptDue(deliveryId, attempt));
    }

    /** A new series under the same id: whatever was pending is replaced. */
    @StartSaga
    @SagaEventHandler(associationProperty = "deliveryId")
    public void on(DeliveryRedeliveryRequested event) {
        follow(event.deliveryId(), event.subscriptionId(), event.organizationId(), event.eventType(), event.body());
        attempt = event.firstAttempt();
        dueDeadlineId = deadlines.schedule(Duration.ZERO, ATTEMPT_DUE, new AttemptDue(deliveryId, attempt));
    }

    private void follow(String deliveryId, String subscriptionId, String organizationId, String eventType,
                        String body) {
        cancelDeadlines();
        if (this.deliveryId == null) {
            SagaLifecycle.associateWith("subscriptionId", subscriptionId);
        }
        this.deliveryId = deliveryId;
        this.subscriptionId = subscriptionId;
        this.organizationId = organizationId;
        // Retries recorded before they carried what to send keep what the saga already has.
        if (body != null) {
            this.eventType = eventType;
            this.body = body;
        }
    }

    @DeadlineHandler(deadlineName = ATTEMPT_DUE)
    public void onAttemptDue(AttemptDue due) {
        if (due.attempt() != attempt) {
            return;
        }
        dueDeadlineId = null;
        watchdogDeadlineId = deadlines.schedule(settings.attemptWatchdog(), ATTEMPT_WATCHDOG, due);
        attempts.start(new AttemptRequest(deliveryId, subscriptionId, eventType, body, attempt));
    }

    @DeadlineHandler(deadlineName = ATTEMPT_WATCHDOG)
    public void onAttemptLost(AttemptDue due) {
        if (due.attempt() == attempt) {
            watchdogDeadlineId = null;
            send(new RecordDeliveryAttempt(deliveryId, new AttemptResult(attempt,
                    clock.instant().minus(settings.attemptWatchdog()), settings.attemptWatchdog().toMillis(), null,
                    "no outcome was recorded for this attempt (the server may have stopped during it)", null, null)));
        }
    }

    @SagaEventHandler(associationProperty = "subscriptionId")
    public void on(WebhookSubscriptionDisabled event) {
        send(new FailDelivery(deliveryId, "the subscription was disabled: " + event.reason()));
    }

    @SagaEventHandler(associationProperty = "subscriptionId")
    public void on(WebhookSubscriptionDeleted event) {
        send(new FailDelivery(deliveryId, "the subscription was deleted"));
    }

    @EndSaga
    @SagaEventHandler(associationProperty = "deliveryId")
    public void on(DeliverySucceeded event) {
        cancelDeadlines();
    }

    @EndSaga
    @SagaEventHandler(associationProperty = "deliveryId")
    public void on(DeliveryFailed event) {
        cancelDeadlines();
    }

    /**
     * By id: cancelling "all within scope" makes the deadline manager read every pending deadline
     * of every delivery, which grows with the backlog.
     */
    private void cancelDeadlines() {
        if (dueDeadlineId != null) {
            deadlines.cancelSchedule(ATTEMPT_DUE, dueDeadlineId);
            dueDeadlineId = null;
        }
        cancelWatchdog();
    }

    private void cancelWatchdog() {
        if (watchdogDeadlineId != null) {
            deadlines.cancelSchedule(ATTEMPT_WATCHDOG, watchdogDeadlineId);
            watchdogDeadlineId = null;
        }
    }

    @DeadlineHandler(deadlineName = COMMAND_RETRY)
    public void onCommandRetry(Object command, @MetaDataValue(TRIES) Integer tries) {
        send(command, tries == null ? 1 : tries);
    }

    private void send(Object command) {
        send(command, 0);
    }

    /**
     * Every target handles a repeated command idempotently. A failed one is scheduled again in this
     * saga's scope (the callback may run after the handler returned, outside its unit of work).
     */
    private void send(Object command, int tries) {
        ScopeDescriptor scope = SagaLifecycle.describeCurrentScope();
        commands.send(command).whenComplete((result, failure) -> {
            if (failure == null) {
                return;
            }
            if (tries + 1 >= MAX_COMMAND_TRIES) {
                log.error("Delivery {}: {} failed {} times, giving up: {}", deliveryId,
                        command.getClass().getSimpleName(), tries + 1, failure.toString());
                return;
            }
            Duration backoff = backoff(tries);
            log.warn("Delivery {}: {} failed, sending it again in {} s: {}", deliveryId,
                    command.getClass().getSimpleName(), backoff.toSeconds(), failure.toString());
            deadlines.schedule(backoff, COMMAND_RETRY,
                    GenericMessage.asMessage(command).andMetaData(Map.of(TRIES, tries + 1)), scope);
        });
    }

    static Duration backoff(int tries) {
        Duration backoff = Duration.ofSeconds(1L << Math.min(tries, 20));
        return backoff.compareTo(MAX_COMMAND_BACKOFF) > 0 ? MAX_COMMAND_BACKOFF : backoff;
    }

    public String getDeliveryId() {
        return deliveryId;
    }

    public void setDeliveryId(String deliveryId) {
        this.deliveryId = deliveryId;
    }

    public String getSubscriptionId() {
        return subscriptionId;
    }

    public void setSubscriptionId(String subscriptionId) {
        this.subscriptionId = subscriptionId;
    }

    public String getOrganizationId() {
        return organizationId;
    }

    public void setOrganizationId(String organizationId) {
        this.organizationId = organizationId;
    }

    public String getEventType() {
        return eventType;
    }

    public void setEventType(String eventType) {
        this.eventType = eventType;
    }

    public String getBody() {
        return body;
    }

    public void setBody(String body) {
        this.body = body;
    }

    public int getAttempt() {
        return attempt;
    }

    public void setAttempt(int attempt) {
        this.attempt = attempt;
    }

    public String getDueDeadlineId() {
        return dueDeadlineId;
    }

    public void setDueDeadlineId(String dueDeadlineId) {
        this.dueDeadlineId = dueDeadlineId;
    }

    public String getWatchdogDeadlineId() {
        return watchdogDeadlineId;
    }

    public void setWatchdogDeadlineId(String watchdogDeadlineId) {
        this.watchdogDeadlineId = watchdogDeadlineId;
    }
}
