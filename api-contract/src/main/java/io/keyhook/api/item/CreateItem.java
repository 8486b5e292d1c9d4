package io.keyhook.api.item;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record CreateItem(@TargetAggregateIdentifier String itemId, String organizationId, String name, String sku,
                         int quantity, int lowStockThreshold, String description) {
}
