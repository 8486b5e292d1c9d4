package io.keyhook.api.webhook;

/** A test event was asked for: the dispatcher delivers it to this subscription only, as {@code webhook.test}. */
public record TestWebhookRequested(String subscriptionId, String organizationId, String eventId) {
}
