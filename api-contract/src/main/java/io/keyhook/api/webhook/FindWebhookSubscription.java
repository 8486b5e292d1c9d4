package io.keyhook.api.webhook;

public record FindWebhookSubscription(String organizationId, String subscriptionId) {
}
