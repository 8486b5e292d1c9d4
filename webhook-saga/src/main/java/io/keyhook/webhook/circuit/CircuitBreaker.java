package io.keyhook.webhook.circuit;

import io.keyhook.api.delivery.DeliveryFailed;
import io.keyhook.api.delivery.DeliverySucceeded;
import io.keyhook.api.webhook.RecordDeliveryOutcome;
import io.keyhook.webhook.WebhookSettings;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.stereotype.Component;

/**
 * Reports every finished delivery to its subscription, which counts failures in a row and disables
 * itself at the threshold. One processor, in event order, so the count is exact.
 */
@Component
@DisallowReplay
@ProcessingGroup(CircuitBreaker.GROUP)
public class CircuitBreaker {

    public static final String GROUP = "webhook-circuit-breaker";

    private final CommandGateway commands;
    private final WebhookSettings settings;

    public CircuitBreaker(CommandGateway commands, WebhookSettings settings) {
        this.commands = commands;
        this.settings = settings;
    }

    @EventHandler
    void on(DeliverySucceeded event) {
        commands.sendAndWait(new RecordDeliveryOutcome(event.subscriptionId(), event.deliveryId(), true,
                settings.disableAfterFailures()));
    }

    @EventHandler
    void on(DeliveryFailed event) {
        commands.sendAndWait(new RecordDeliveryOutcome(event.subscriptionId(), event.deliveryId(), false,
                settings.disableAfterFailures()));
    }
}
