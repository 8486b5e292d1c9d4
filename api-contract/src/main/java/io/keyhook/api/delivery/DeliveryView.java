package io.keyhook.api.delivery;

import java.time.Instant;
import java.util.List;

/** One delivery on the timeline, with every attempt. */
public record DeliveryView(String id, String subscriptionId, String organizationId, String eventId, String eventType,
                           DeliveryStatus status, Instant createdAt, Instant updatedAt, Instant nextAttemptAt,
                           String failureReason, String payload, List<AttemptView> attempts, long version) {
}
