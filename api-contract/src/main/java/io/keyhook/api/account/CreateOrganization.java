package io.keyhook.api.account;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record CreateOrganization(@TargetAggregateIdentifier String organizationId, String name, String createdBy) {
}
