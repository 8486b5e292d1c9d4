package io.keyhook.query.delivery;

import io.keyhook.api.delivery.AttemptView;
import io.keyhook.api.delivery.DeliveryStatus;
import io.keyhook.api.delivery.DeliveryView;
import io.keyhook.query.common.Versioned;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One delivery on its subscription's timeline, with every attempt. */
@Document("deliveries")
public record DeliveryDocument(@Id String id, String subscriptionId, String organizationId, String eventId,
                               String eventType, String payload, DeliveryStatus status, Instant createdAt,
                               Instant updatedAt, Instant nextAttemptAt, String failureReason,
                               List<AttemptView> attempts, long version) implements Versioned {

    /** When the next attempt was due: the scheduled retry time, or (first attempt, redelivery) the time it was asked for. */
    Instant dueAt() {
        return nextAttemptAt != null ? nextAttemptAt : createdAt;
    }

    DeliveryDocument withAttempt(AttemptView attempt) {
        if (attempts.stream().anyMatch(existing -> existing.number() == attempt.number())) {
            return this;
        }
        List<AttemptView> all = new ArrayList<>(attempts);
        all.add(attempt);
        DeliveryStatus next = attempt.succeeded() ? DeliveryStatus.SUCCEEDED : DeliveryStatus.RETRYING;
        return new DeliveryDocument(id, subscriptionId, organizationId, eventId, eventType, payload, next, createdAt,
                updatedAt, null, failureReason, all, version);
    }

    DeliveryDocument withStatus(DeliveryStatus status, Instant nextAttemptAt, String failureReason) {
        return new DeliveryDocument(id, subscriptionId, organizationId, eventId, eventType, payload, status, createdAt,
                updatedAt, nextAttemptAt, failureReason, attempts, version);
    }

    DeliveryDocument at(long version, Instant updatedAt) {
        return new DeliveryDocument(id, subscriptionId, organizationId, eventId, eventType, payload, status, createdAt,
                updatedAt, nextAttemptAt, failureReason, attempts, version);
    }

    DeliveryView toView() {
        return new DeliveryView(id, subscriptionId, organizationId, eventId, eventType, status, createdAt, updatedAt,
                nextAttemptAt, failureReason, payload, attempts, version);
    }
}
