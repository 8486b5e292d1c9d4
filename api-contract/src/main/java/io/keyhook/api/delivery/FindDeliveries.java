package io.keyhook.api.delivery;

/** Newest first; status optional. */
public record FindDeliveries(String organizationId, String subscriptionId, DeliveryStatus status, int page, int size) {
}
