package io.keyhook.api.delivery;

public record DeliverySucceeded(String deliveryId, String subscriptionId, String organizationId, int attempts) {
}
