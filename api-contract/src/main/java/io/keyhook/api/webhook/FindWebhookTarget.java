package io.keyhook.api.webhook;

public record FindWebhookTarget(String subscriptionId) {
}
