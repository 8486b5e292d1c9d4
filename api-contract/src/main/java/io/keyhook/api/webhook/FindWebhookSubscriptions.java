package io.keyhook.api.webhook;

public record FindWebhookSubscriptions(String organizationId, int page, int size) {
}
