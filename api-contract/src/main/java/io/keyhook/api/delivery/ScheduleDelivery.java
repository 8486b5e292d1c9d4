package io.keyhook.api.delivery;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * One event to one subscription. The id is derived from (event id, subscription id), so scheduling the same pair
 * twice creates nothing new.
 */
public record ScheduleDelivery(@TargetAggregateIdentifier String deliveryId, String subscriptionId,
                               String organizationId, String eventId, String eventType, String body,
                               Instant occurredAt) {
}
