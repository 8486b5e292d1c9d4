package io.keyhook.webhook.delivery;

/** Everything one HTTP attempt needs but the subscription's current URL and secrets, which it looks up. */
public record AttemptRequest(String deliveryId, String subscriptionId, String eventType, String body, int attempt) {
}
