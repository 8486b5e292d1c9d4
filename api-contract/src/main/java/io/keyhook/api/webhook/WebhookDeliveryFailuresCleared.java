package io.keyhook.api.webhook;

/** A delivery succeeded after failed ones: the circuit breaker counts from zero again. */
public record WebhookDeliveryFailuresCleared(String subscriptionId, String organizationId) {
}
