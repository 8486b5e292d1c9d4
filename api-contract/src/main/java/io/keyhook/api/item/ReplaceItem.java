package io.keyhook.api.item;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateVersion;

/** {@code expectedVersion} (optional) turns a lost update into a conflict. */
public record ReplaceItem(@TargetAggregateIdentifier String itemId, String organizationId, String name, String sku,
                          int quantity, int lowStockThreshold, String description,
                          @TargetAggregateVersion Long expectedVersion) {
}
