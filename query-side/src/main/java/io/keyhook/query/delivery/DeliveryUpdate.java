package io.keyhook.query.delivery;

import io.keyhook.api.delivery.AttemptView;
import io.keyhook.api.delivery.DeliveryStatus;
import org.springframework.data.mongodb.core.query.Update;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One delivery while a batch of events is applied to it: its state, mutable, the fields the batch
 * changed, and whether the batch created it. Written once at the end of the batch: a new delivery
 * whole, a stored one as a {@code $set} of the changed fields (its payload, the largest field, is
 * never written again).
 */
final class DeliveryUpdate {

    private final String id;
    private final boolean stored;
    private final Map<String, Object> changed = new LinkedHashMap<>();
    private String subscriptionId;
    private String organizationId;
    private String eventId;
    private String eventType;
    private String payload;
    private DeliveryStatus status;
    private Instant createdAt;
    private Instant updatedAt;
    private Instant nextAttemptAt;
    private String failureReason;
    private List<AttemptView> attempts;
    private long version;

    private DeliveryUpdate(DeliveryDocument document, boolean stored) {
        this.id = document.id();
        this.stored = stored;
        copy(document);
    }

    /** A delivery as the read model holds it. */
    static DeliveryUpdate of(DeliveryDocument stored) {
        return new DeliveryUpdate(stored, true);
    }

    /** A delivery the batch creates. */
    static DeliveryUpdate created(DeliveryDocument document) {
        return new DeliveryUpdate(document, false);
    }

    long version() {
        return version;
    }

    boolean isNew() {
        return !stored;
    }

    boolean isChanged() {
        return !stored || !changed.isEmpty();
    }

    /** When the next attempt was due: the scheduled retry time, or (first attempt, redelivery) the time it was asked for. */
    Instant dueAt() {
        return nextAttemptAt != null ? nextAttemptAt : createdAt;
    }

    /** All of it again: a delivery scheduled anew over a stored one of an older version. */
    void replace(DeliveryDocument document) {
        copy(document);
        if (stored) {
            changed.put("subscriptionId", subscriptionId);
            changed.put("organizationId", organizationId);
            changed.put("eventId", eventId);
            changed.put("eventType", eventType);
            changed.put("payload", payload);
            changed.put("createdAt", createdAt);
            changed.put("status", status);
            changed.put("nextAttemptAt", nextAttemptAt);
            changed.put("failureReason", failureReason);
            changed.put("attempts", attempts);
            changed.put("updatedAt", updatedAt);
            changed.put("version", version);
        }
    }

    DeliveryUpdate status(DeliveryStatus status) {
        this.status = status;
        return changed("status", status);
    }

    DeliveryUpdate nextAttemptAt(Instant nextAttemptAt) {
        this.nextAttemptAt = nextAttemptAt;
        return changed("nextAttemptAt", nextAttemptAt);
    }

    DeliveryUpdate failureReason(String failureReason) {
        this.failureReason = failureReason;
        return changed("failureReason", failureReason);
    }

    /** Adds an attempt unless the delivery has one with its number already; true if it was added. */
    boolean attempt(AttemptView attempt) {
        if (attempts.stream().anyMatch(existing -> existing.number() == attempt.number())) {
            return false;
        }
        List<AttemptView> all = new ArrayList<>(attempts);
        all.add(attempt);
        attempts = List.copyOf(all);
        changed("attempts", attempts);
        return true;
    }

    /** Marks the delivery as carrying the event with this sequence number, applied at that time. */
    void at(long version, Instant updatedAt) {
        this.version = version;
        this.updatedAt = updatedAt;
        changed("updatedAt", updatedAt);
        changed("version", version);
    }

    DeliveryDocument toDocument() {
        return new DeliveryDocument(id, subscriptionId, organizationId, eventId, eventType, payload, status, createdAt,
                updatedAt, nextAttemptAt, failureReason, attempts, version);
    }

    /** The {@code $set} of every field the batch changed. */
    Update update() {
        Update update = new Update();
        changed.forEach(update::set);
        return update;
    }

    private DeliveryUpdate changed(String field, Object value) {
        if (stored) {
            changed.put(field, value);
        }
        return this;
    }

    private void copy(DeliveryDocument document) {
        subscriptionId = document.subscriptionId();
        organizationId = document.organizationId();
        eventId = document.eventId();
        eventType = document.eventType();
        payload = document.payload();
        status = document.status();
        createdAt = document.createdAt();
        updatedAt = document.updatedAt();
        nextAttemptAt = document.nextAttemptAt();
        failureReason = document.failureReason();
        attempts = document.attempts();
        version = document.version();
    }
}
