package io.keyhook.api.delivery;

import java.time.Instant;

public record DeliveryRetryScheduled(String deliveryId, String subscriptionId, String organizationId, int attempt,
                                     Instant dueAt) {
}
