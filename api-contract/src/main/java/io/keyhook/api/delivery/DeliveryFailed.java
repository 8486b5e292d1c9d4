package io.keyhook.api.delivery;

public record DeliveryFailed(String deliveryId, String subscriptionId, String organizationId, int attempts,
                             String reason) {
}
