package io.keyhook.api.webhook;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record DeleteWebhookSubscription(@TargetAggregateIdentifier String subscriptionId, String organizationId) {
}
