package io.keyhook.webhook.dispatch;

import io.keyhook.api.account.UserAdded;
import io.keyhook.api.delivery.DeliveryIds;
import io.keyhook.api.delivery.ScheduleDelivery;
import io.keyhook.api.item.ItemCreated;
import io.keyhook.api.item.ItemDeleted;
import io.keyhook.api.item.ItemLowStock;
import io.keyhook.api.item.ItemUpdated;
import io.keyhook.api.item.StockAdjusted;
import io.keyhook.api.webhook.TestWebhookRequested;
import io.keyhook.api.webhook.WebhookEventTypes;
import io.keyhook.api.webhook.WebhookTarget;
import io.keyhook.api.webhook.WebhookTargetDirectory;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Map;

import static io.keyhook.webhook.dispatch.WebhookPayloads.data;

/**
 * Turns each domain event of a catalog type into one delivery per active subscription of its
 * organization that asked for the type (looked up in memory), and makes its first attempt at once
 * ({@link FirstAttempts}). The delivery id is derived from (event id, subscription id): an event
 * handled again (a retried batch) creates nothing new. Never replayed, and it starts at the head of
 * the event stream, so history is never sent to today's subscriptions.
 */
@Component
@DisallowReplay
@ProcessingGroup(WebhookDispatcher.GROUP)
public class WebhookDispatcher {

    public static final String GROUP = "webhook-dispatcher";

    private final WebhookTargetDirectory targets;
    private final FirstAttempts firstAttempts;

    public WebhookDispatcher(WebhookTargetDirectory targets, FirstAttempts firstAttempts) {
        this.targets = targets;
        this.firstAttempts = firstAttempts;
    }

    @EventHandler
    void on(ItemCreated event, EventMessage<?> message) {
        dispatch(WebhookEventTypes.ITEM_CREATED, event.organizationId(), message, data("itemId", event.itemId(),
                "name", event.name(), "sku", event.sku(), "quantity", event.quantity(),
                "lowStockThreshold", event.lowStockThreshold(), "description", event.description()));
    }

    @EventHandler
    void on(ItemUpdated event, EventMessage<?> message) {
        dispatch(WebhookEventTypes.ITEM_UPDATED, event.organizationId(), message, data("itemId", event.itemId(),
                "name", event.name(), "sku", event.sku(), "quantity", event.quantity(),
                "lowStockThreshold", event.lowStockThreshold(), "description", event.description()));
    }

    @EventHandler
    void on(StockAdjusted event, EventMessage<?> message) {
        dispatch(WebhookEventTypes.ITEM_UPDATED, event.organizationId(), message, data("itemId", event.itemId(),
                "quantity", event.quantity(), "delta", event.delta()));
    }

    @EventHandler
    void on(ItemDeleted event, EventMessage<?> message) {
        dispatch(WebhookEventTypes.ITEM_DELETED, event.organizationId(), message, data("itemId", event.itemId()));
    }

    @EventHandler
    void on(ItemLowStock event, EventMessage<?> message) {
        dispatch(WebhookEventTypes.ITEM_LOW_STOCK, event.organizationId(), message, data("itemId", event.itemId(),
                "name", event.name(), "sku", event.sku(), "quantity", event.quantity(),
                "lowStockThreshold", event.lowStockThreshold()));
    }

    /** Never the password hash: only who was added, and as what. */
    @EventHandler
    void on(UserAdded event, EventMessage<?> message) {
        dispatch(WebhookEventTypes.USER_ADDED, event.organizationId(), message, data("userId", event.userId(),
                "email", event.email(), "role", event.role().value()));
    }

    /** A test goes to the subscription that asked for it, whatever event types it chose. */
    @EventHandler
    void on(TestWebhookRequested event, EventMessage<?> message) {
        String body = WebhookPayloads.body(event.eventId(), WebhookEventTypes.WEBHOOK_TEST, message.getTimestamp(),
                event.organizationId(), data("message", "This is a test webhook from Keyhook.",
                        "subscriptionId", event.subscriptionId()));
        firstAttempts.start(ScheduleDelivery.unattempted(DeliveryIds.of(event.eventId(), event.subscriptionId()),
                event.subscriptionId(), event.organizationId(), event.eventId(), WebhookEventTypes.WEBHOOK_TEST, body,
                message.getTimestamp()));
        firstAttempts.endOfEvent();
    }

    private void dispatch(String eventType, String organizationId, EventMessage<?> message, Map<String, Object> data) {
        List<WebhookTarget> matching = targets.targetsFor(organizationId, eventType);
        if (!matching.isEmpty()) {
            String body = WebhookPayloads.body(message.getIdentifier(), eventType, message.getTimestamp(),
                    organizationId, data);
            for (WebhookTarget target : matching) {
                firstAttempts.start(ScheduleDelivery.unattempted(
                        DeliveryIds.of(message.getIdentifier(), target.subscriptionId()), target.subscriptionId(),
                        organizationId, message.getIdentifier(), eventType, body, message.getTimestamp()));
            }
        }
        firstAttempts.endOfEvent();
    }
}
