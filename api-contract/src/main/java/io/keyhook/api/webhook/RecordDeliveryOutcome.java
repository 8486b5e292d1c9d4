package io.keyhook.api.webhook;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The circuit breaker: after disableAfterFailures failed deliveries in a row the subscription is disabled. */
public record RecordDeliveryOutcome(@TargetAggregateIdentifier String subscriptionId, String deliveryId,
                                    boolean succeeded, int disableAfterFailures) {
}
