package io.keyhook.api.delivery;

import java.time.Instant;

/**
 * Attempt {@code attempt} is due at {@code dueAt}. Carries what it sends ({@code eventType} and
 * {@code body} are null in events recorded before they were added).
 */
public record DeliveryRetryScheduled(String deliveryId, String subscriptionId, String organizationId, int attempt,
                                     Instant dueAt, String eventType, String body) {
}
