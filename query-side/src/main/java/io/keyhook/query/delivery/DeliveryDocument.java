package io.keyhook.query.delivery;

import io.keyhook.api.delivery.AttemptView;
import io.keyhook.api.delivery.DeliveryStatus;
import io.keyhook.api.delivery.DeliveryView;
import io.keyhook.query.common.Versioned;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

import java.time.Instant;
import java.util.List;

/** One delivery on its subscription's timeline, with every attempt. */
@Document("deliveries")
public record DeliveryDocument(@Id String id, String subscriptionId, String organizationId, String eventId,
                               String eventType, String payload, DeliveryStatus status, Instant createdAt,
                               Instant updatedAt, Instant nextAttemptAt, String failureReason,
                               List<AttemptView> attempts, long version) implements Versioned {

    DeliveryView toView() {
        return new DeliveryView(id, subscriptionId, organizationId, eventId, eventType, status, createdAt, updatedAt,
                nextAttemptAt, failureReason, payload, attempts, version);
    }
}
