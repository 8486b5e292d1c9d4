package io.keyhook.webhook.circuit;

import io.keyhook.api.delivery.DeliveryFailed;
import io.keyhook.api.delivery.DeliverySucceeded;
import io.keyhook.api.webhook.DisableWebhookSubscription;
import io.keyhook.api.webhook.RecordDeliveryOutcome;
import io.keyhook.webhook.WebhookSettings;
import org.axonframework.commandhandling.SimpleCommandBus;
import org.axonframework.commandhandling.gateway.DefaultCommandGateway;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class CircuitBreakerTest {

    private final List<Object> sent = new CopyOnWriteArrayList<>();
    private CircuitBreaker breaker;

    @BeforeEach
    void setUp() {
        SimpleCommandBus bus = SimpleCommandBus.builder().build();
        bus.subscribe(RecordDeliveryOutcome.class.getName(), command -> sent.add(command.getPayload()));
        bus.subscribe(DisableWebhookSubscription.class.getName(), command -> sent.add(command.getPayload()));
        breaker = new CircuitBreaker(DefaultCommandGateway.builder().commandBus(bus).build(),
                WebhookSettings.defaults());
    }

    private static DeliverySucceeded succeeded(String delivery) {
        return new DeliverySucceeded(delivery, "sub-1", "org-1", 1);
    }

    private static DeliveryFailed failed(String delivery, Integer status) {
        return new DeliveryFailed(delivery, "sub-1", "org-1", 4, "gave up after 4 attempts", status);
    }

    private static RecordDeliveryOutcome outcome(String delivery, boolean succeeded) {
        return new RecordDeliveryOutcome("sub-1", delivery, succeeded, 20);
    }

    /** Handles the events as one processor batch, committed or rolled back. */
    private void batch(boolean commit, Object... events) {
        UnitOfWork<?> batch = DefaultUnitOfWork.startAndGet(null);
        for (Object event : events) {
            if (event instanceof DeliverySucceeded success) {
                breaker.on(success);
            } else {
                breaker.on((DeliveryFailed) event);
            }
        }
        if (commit) {
            batch.commit();
        } else {
            batch.rollback();
        }
    }

    @Test
    void reportsEveryFailureButOnlyTheSuccessesThatCanEndARunOfThem() {
        batch(true, succeeded("d1"), succeeded("d2"));
        batch(true, succeeded("d3"), failed("d4", 500));
        batch(true, succeeded("d5"));
        batch(true, succeeded("d6"));

        // d1 (the first after a start: what was reported before is not known), d2 (same batch, not committed yet)
        assertThat(sent).containsExactly(outcome("d1", true), outcome("d2", true), outcome("d4", false),
                outcome("d5", true));
    }

    @Test
    void aBatchRolledBackReportsAgainWhenItIsHandledAgain() {
        batch(false, succeeded("d1"));
        batch(true, succeeded("d1"));
        batch(true, succeeded("d2"));

        assertThat(sent).containsExactly(outcome("d1", true), outcome("d1", true));
    }

    @Test
    void aSuccessBeforeAFailureInOneBatchLeavesTheSubscriptionToBeCleared() {
        batch(true, succeeded("d1"), failed("d2", 500));
        batch(true, succeeded("d3"));

        assertThat(sent).containsExactly(outcome("d1", true), outcome("d2", false), outcome("d3", true));
    }

    @Test
    void aGoneReceiverDisablesTheSubscriptionAtOnce() {
        batch(true, failed("d1", 410));

        assertThat(sent).containsExactly(outcome("d1", false),
                new DisableWebhookSubscription("sub-1", "org-1", "the receiver answered 410 Gone"));
    }
}
