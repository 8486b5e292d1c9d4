package io.keyhook.api.apikey;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record RevokeApiKey(@TargetAggregateIdentifier String keyId, String organizationId) {
}
