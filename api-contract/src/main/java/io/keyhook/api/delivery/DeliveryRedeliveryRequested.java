package io.keyhook.api.delivery;

public record DeliveryRedeliveryRequested(String deliveryId, String subscriptionId, String organizationId,
                                          String eventType, String body, int firstAttempt) {
}
