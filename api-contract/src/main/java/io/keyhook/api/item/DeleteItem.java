package io.keyhook.api.item;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateVersion;

public record DeleteItem(@TargetAggregateIdentifier String itemId, String organizationId,
                         @TargetAggregateVersion Long expectedVersion) {
}
