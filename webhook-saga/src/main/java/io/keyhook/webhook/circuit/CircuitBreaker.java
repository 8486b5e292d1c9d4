package io.keyhook.webhook.circuit;

import io.keyhook.api.delivery.DeliveryFailed;
import io.keyhook.api.delivery.DeliverySucceeded;
import io.keyhook.api.webhook.DisableWebhookSubscription;
import io.keyhook.api.webhook.RecordDeliveryOutcome;
import io.keyhook.webhook.WebhookSettings;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.stereotype.Component;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells a subscription about its finished deliveries, which count failures in a row and disable it
 * at the threshold; a {@code 410 Gone} disables it at once. One processor, in event order, so the
 * count is exact. Every failure is reported; a success only when it may end a run of failures: the
 * first success of a subscription after a failure, or after this processor started (what it
 * reported before is not known then). A subscription is taken for clean only once the report is
 * committed, so a batch that is rolled back and handled again reports again.
 */
@Component
@DisallowReplay
@ProcessingGroup(CircuitBreaker.GROUP)
public class CircuitBreaker {

    public static final String GROUP = "webhook-circuit-breaker";
    private static final int GONE = 410;
    private static final String LAST_OUTCOMES = CircuitBreaker.class.getName() + ".lastOutcomes";

    private final CommandGateway commands;
    private final WebhookSettings settings;
    private final Set<String> clean = ConcurrentHashMap.newKeySet();

    public CircuitBreaker(CommandGateway commands, WebhookSettings settings) {
        this.commands = commands;
        this.settings = settings;
    }

    @EventHandler
    void on(DeliverySucceeded event) {
        String subscription = event.subscriptionId();
        if (clean.contains(subscription)) {
            return;
        }
        commands.sendAndWait(new RecordDeliveryOutcome(subscription, event.deliveryId(), true,
                settings.disableAfterFailures()));
        settle(subscription, true);
    }

    @EventHandler
    void on(DeliveryFailed event) {
        settle(event.subscriptionId(), false);
        commands.sendAndWait(new RecordDeliveryOutcome(event.subscriptionId(), event.deliveryId(), false,
                settings.disableAfterFailures()));
        if (Integer.valueOf(GONE).equals(event.lastStatusCode())) {
            commands.sendAndWait(new DisableWebhookSubscription(event.subscriptionId(), event.organizationId(),
                    "the receiver answered 410 Gone"));
        }
    }

    /** Takes the last outcome of each subscription in the batch for its state once the batch is committed. */
    private void settle(String subscription, boolean succeeded) {
        if (!succeeded) {
            clean.remove(subscription);
        }
        if (!CurrentUnitOfWork.isStarted()) {
            if (succeeded) {
                clean.add(subscription);
            }
            return;
        }
        UnitOfWork<?> batch = CurrentUnitOfWork.get().root();
        batch.getOrComputeResource(LAST_OUTCOMES, key -> {
            Map<String, Boolean> outcomes = new HashMap<>();
            batch.afterCommit(committed -> outcomes.forEach((id, ok) -> {
                if (ok) {
                    clean.add(id);
                } else {
                    clean.remove(id);
                }
            }));
            return outcomes;
        }).put(subscription, succeeded);
    }
}
