package io.keyhook.api.delivery;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * The outcome of one HTTP attempt. Only the attempt the delivery waits for is recorded: a duplicate or late
 * report changes nothing. The delivery decides what follows a failure (a retry, or giving up).
 */
public record RecordDeliveryAttempt(@TargetAggregateIdentifier String deliveryId, AttemptResult result) {
}
