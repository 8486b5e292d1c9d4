package io.keyhook.command.webhook;

import io.keyhook.api.common.ErrorCode;
import io.keyhook.api.webhook.CreateWebhookSubscription;
import io.keyhook.api.webhook.DeleteWebhookSubscription;
import io.keyhook.api.webhook.DisableWebhookSubscription;
import io.keyhook.api.webhook.RecordDeliveryOutcome;
import io.keyhook.api.webhook.RotateWebhookSecret;
import io.keyhook.api.webhook.SendTestWebhook;
import io.keyhook.api.webhook.TestWebhookRequested;
import io.keyhook.api.webhook.UpdateWebhookSubscription;
import io.keyhook.api.webhook.WebhookDeliveryFailureCounted;
import io.keyhook.api.webhook.WebhookDeliveryFailuresCleared;
import io.keyhook.api.webhook.WebhookEventTypes;
import io.keyhook.api.webhook.WebhookSecretRotated;
import io.keyhook.api.webhook.WebhookSubscriptionCreated;
import io.keyhook.api.webhook.WebhookSubscriptionDeleted;
import io.keyhook.api.webhook.WebhookSubscriptionDisabled;
import io.keyhook.api.webhook.WebhookSubscriptionUpdated;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.AggregateLifecycle;
import org.axonframework.spring.stereotype.Aggregate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.TreeSet;

import static io.keyhook.command.common.Rejections.rejected;
import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * A webhook subscription: where an organization wants which events delivered, and the (encrypted)
 * secret that signs them. Also the circuit breaker: it counts failed deliveries in a row and
 * disables itself at the threshold.
 */
@Aggregate
public class WebhookSubscription {

    public static final int MAX_DESCRIPTION_LENGTH = 500;
    public static final Duration MAX_GRACE_PERIOD = Duration.ofDays(7);
    private static final int REMEMBERED_OUTCOMES = 100;

    @AggregateIdentifier
    private String subscriptionId;
    private String organizationId;
    private String encryptedSecret;
    private boolean active;
    private boolean deleted;
    private int consecutiveFailures;
    private final Deque<String> countedDeliveries = new ArrayDeque<>();

    protected WebhookSubscription() {
    }

    @CommandHandler
    public WebhookSubscription(CreateWebhookSubscription command) {
        requireValid(command.url(), command.eventTypes(), command.description());
        apply(new WebhookSubscriptionCreated(command.subscriptionId(), command.organizationId(), command.url(),
                new TreeSet<>(command.eventTypes()), command.description(), command.encryptedSecret(),
                command.createdBy()));
    }

    @CommandHandler
    public long handle(UpdateWebhookSubscription command) {
        requireVisibleTo(command.organizationId());
        requireValid(command.url(), command.eventTypes(), command.description());
        apply(new WebhookSubscriptionUpdated(subscriptionId, organizationId, command.url(),
                new TreeSet<>(command.eventTypes()), command.description(), command.active()));
        return AggregateLifecycle.getVersion();
    }

    @CommandHandler
    public long handle(DeleteWebhookSubscription command) {
        requireVisibleTo(command.organizationId());
        apply(new WebhookSubscriptionDeleted(subscriptionId, organizationId));
        return AggregateLifecycle.getVersion();
    }

    @CommandHandler
    public long handle(RotateWebhookSecret command) {
        requireVisibleTo(command.organizationId());
        Duration grace = command.gracePeriod();
        if (grace.isNegative() || grace.compareTo(MAX_GRACE_PERIOD) > 0) {
            throw rejected(ErrorCode.INVALID, "gracePeriodSeconds must be between 0 and " + MAX_GRACE_PERIOD.toSeconds());
        }
        Instant previousValidUntil = grace.isZero() ? null : GenericEventMessage.clock.instant().plus(grace);
        apply(new WebhookSecretRotated(subscriptionId, organizationId, command.encryptedSecret(), encryptedSecret,
                previousValidUntil));
        return AggregateLifecycle.getVersion();
    }

    @CommandHandler
    public void handle(SendTestWebhook command) {
        requireVisibleTo(command.organizationId());
        if (!active) {
            throw rejected(ErrorCode.SUBSCRIPTION_DISABLED,
                    "the subscription is disabled; enable it before sending a test");
        }
        apply(new TestWebhookRequested(subscriptionId, organizationId, command.eventId()));
    }

    @CommandHandler
    public void handle(DisableWebhookSubscription command) {
        if (!deleted && active) {
            apply(new WebhookSubscriptionDisabled(subscriptionId, organizationId, command.reason()));
        }
    }

    /** Reported once per finished delivery; a delivery reported again is not counted again. */
    @CommandHandler
    public void handle(RecordDeliveryOutcome command) {
        if (deleted || countedDeliveries.contains(command.deliveryId())) {
            return;
        }
        if (command.succeeded()) {
            if (consecutiveFailures > 0) {
                apply(new WebhookDeliveryFailuresCleared(subscriptionId, organizationId));
            }
            return;
        }
        int failures = consecutiveFailures + 1;
        apply(new WebhookDeliveryFailureCounted(subscriptionId, organizationId, command.deliveryId(), failures));
        if (active && failures >= command.disableAfterFailures()) {
            apply(new WebhookSubscriptionDisabled(subscriptionId, organizationId,
                    failures + " deliveries in a row failed"));
        }
    }

    private void requireVisibleTo(String callerOrganization) {
        if (deleted || !organizationId.equals(callerOrganization)) {
            throw rejected(ErrorCode.NOT_FOUND, "webhook subscription not found");
        }
    }

    private static void requireValid(String url, Set<String> eventTypes, String description) {
        if (url == null || url.isBlank()) {
            throw rejected(ErrorCode.INVALID, "url must not be blank");
        }
        if (eventTypes == null || eventTypes.isEmpty()) {
            throw rejected(ErrorCode.INVALID, "eventTypes must name at least one event type");
        }
        for (String type : eventTypes) {
            if (!WebhookEventTypes.isKnown(type)) {
                throw rejected(ErrorCode.INVALID, "eventTypes: unknown event type " + type);
            }
        }
        if (description != null && description.length() > MAX_DESCRIPTION_LENGTH) {
            throw rejected(ErrorCode.INVALID, "description must be at most " + MAX_DESCRIPTION_LENGTH + " characters");
        }
    }

    @EventSourcingHandler
    void on(WebhookSubscriptionCreated event) {
        subscriptionId = event.subscriptionId();
        organizationId = event.organizationId();
        encryptedSecret = event.encryptedSecret();
        active = true;
    }

    @EventSourcingHandler
    void on(WebhookSubscriptionUpdated event) {
        if (event.active() && !active) {
            consecutiveFailures = 0;
        }
        active = event.active();
    }

    @EventSourcingHandler
    void on(WebhookSubscriptionDeleted event) {
        deleted = true;
    }

    @EventSourcingHandler
    void on(WebhookSecretRotated event) {
        encryptedSecret = event.encryptedSecret();
    }

    @EventSourcingHandler
    void on(WebhookSubscriptionDisabled event) {
        active = false;
    }

    @EventSourcingHandler
    void on(WebhookDeliveryFailureCounted event) {
        consecutiveFailures = event.consecutiveFailures();
        countedDeliveries.addLast(event.deliveryId());
        if (countedDeliveries.size() > REMEMBERED_OUTCOMES) {
            countedDeliveries.removeFirst();
        }
    }

    @EventSourcingHandler
    void on(WebhookDeliveryFailuresCleared event) {
        consecutiveFailures = 0;
    }
}
