package io.keyhook.api.delivery;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

public record ScheduleDeliveryRetry(@TargetAggregateIdentifier String deliveryId, int attempt, Instant dueAt) {
}
