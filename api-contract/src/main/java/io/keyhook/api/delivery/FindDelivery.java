package io.keyhook.api.delivery;

public record FindDelivery(String organizationId, String deliveryId) {
}
