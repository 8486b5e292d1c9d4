package io.keyhook.api.delivery;

import java.time.Instant;

public record DeliveryScheduled(String deliveryId, String subscriptionId, String organizationId, String eventId,
                                String eventType, String body, Instant occurredAt) {
}
