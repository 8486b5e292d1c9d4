package io.keyhook.api.webhook;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Sent when a receiver answers 410 Gone. */
public record DisableWebhookSubscription(@TargetAggregateIdentifier String subscriptionId, String organizationId,
                                         String reason) {
}
