package io.keyhook.api.item;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateVersion;

public record AdjustStock(@TargetAggregateIdentifier String itemId, String organizationId, int delta,
                          @TargetAggregateVersion Long expectedVersion) {
}
