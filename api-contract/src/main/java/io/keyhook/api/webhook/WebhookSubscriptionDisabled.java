package io.keyhook.api.webhook;

/**
 * The webhook.subscription_disabled domain event: deliveries stop until the subscription is updated to active
 * again.
 */
public record WebhookSubscriptionDisabled(String subscriptionId, String organizationId, String reason) {
}
