package io.keyhook.api.webhook;

public record WebhookSubscriptionDeleted(String subscriptionId, String organizationId) {
}
