package io.keyhook.webhook.dispatch;

import io.keyhook.api.account.UserAdded;
import io.keyhook.api.delivery.DeliveryIds;
import io.keyhook.api.delivery.ScheduleDelivery;
import io.keyhook.api.item.ItemCreated;
import io.keyhook.api.item.ItemDeleted;
import io.keyhook.api.item.ItemLowStock;
import io.keyhook.api.item.ItemUpdated;
import io.keyhook.api.item.StockAdjusted;
import io.keyhook.api.webhook.FindWebhookTargets;
import io.keyhook.api.webhook.WebhookEventTypes;
import io.keyhook.api.webhook.WebhookTarget;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Map;

import static io.keyhook.webhook.dispatch.WebhookPayloads.data;

/**
 * Turns each domain event of a catalog type into one delivery per active subscription of its
 * organization that asked for the type. The delivery id is derived from (event id, subscription id):
 * an event handled again (a retried batch) schedules nothing new. Never replayed, and it starts at
 * the head of the event stream, so history is never sent to today's subscriptions.
 */
@Component
@DisallowReplay
@ProcessingGroup(WebhookDispatcher.GROUP)
public class WebhookDispatcher {

    public static final String GROUP = "webhook-dispatcher";

    private final QueryGateway queries;
    private final CommandGateway commands;

    public WebhookDispatcher(QueryGateway queries, CommandGateway commands) {
        this.queries = queries;
        this.commands = commands;
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

    private void dispatch(String eventType, String organizationId, EventMessage<?> message, Map<String, Object> data) {
        List<WebhookTarget> targets = queries.query(new FindWebhookTargets(organizationId, eventType),
                ResponseTypes.multipleInstancesOf(WebhookTarget.class)).join();
        if (targets.isEmpty()) {
            return;
        }
        String body = WebhookPayloads.body(message.getIdentifier(), eventType, message.getTimestamp(), organizationId,
                data);
        for (WebhookTarget target : targets) {
            schedule(new ScheduleDelivery(DeliveryIds.of(message.getIdentifier(), target.subscriptionId()),
                    target.subscriptionId(), organizationId, message.getIdentifier(), eventType, body,
                    message.getTimestamp()));
        }
    }

    /**
     * Scheduling is idempotent in the Delivery aggregate. A failure (e.g. two creations racing)
     * fails the batch, which the processor retries: the second time the delivery exists.
     */
    private void schedule(ScheduleDelivery delivery) {
        commands.sendAndWait(delivery);
    }
}
