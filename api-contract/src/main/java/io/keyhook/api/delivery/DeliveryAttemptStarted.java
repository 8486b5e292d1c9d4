package io.keyhook.api.delivery;

import java.time.Instant;

/**
 * Attempt {@code attempt} started and its outcome is awaited (the receiver had not answered when the
 * delivery was recorded). Carries what a later retry sends.
 */
public record DeliveryAttemptStarted(String deliveryId, String subscriptionId, String organizationId, int attempt,
                                     Instant startedAt, String eventType, String body) {
}
