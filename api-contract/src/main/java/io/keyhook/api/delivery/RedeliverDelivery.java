package io.keyhook.api.delivery;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** A new series of attempts for a failed delivery, under the same id (receivers deduplicate on webhook-id). */
public record RedeliverDelivery(@TargetAggregateIdentifier String deliveryId, String organizationId) {
}
