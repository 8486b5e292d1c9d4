package io.keyhook.api.webhook;

/** The active subscriptions of an organization that asked for this event type. */
public record FindWebhookTargets(String organizationId, String eventType) {
}
