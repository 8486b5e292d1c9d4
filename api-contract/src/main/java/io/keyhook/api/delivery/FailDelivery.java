package io.keyhook.api.delivery;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record FailDelivery(@TargetAggregateIdentifier String deliveryId, String reason) {
}
