package io.keyhook.api.webhook;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Asks for a {@code webhook.test} event to the subscription alone; {@code eventId} names the event
 * (and so its delivery) before it exists, so the caller can point at the delivery at once.
 */
public record SendTestWebhook(@TargetAggregateIdentifier String subscriptionId, String organizationId,
                              String eventId) {
}
