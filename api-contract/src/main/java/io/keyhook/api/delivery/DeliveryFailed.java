package io.keyhook.api.delivery;

/**
 * The delivery gave up. {@code lastStatusCode} is the receiver's answer to the last attempt (null when
 * there was none, and in events recorded before it was added).
 */
public record DeliveryFailed(String deliveryId, String subscriptionId, String organizationId, int attempts,
                             String reason, Integer lastStatusCode) {
}
