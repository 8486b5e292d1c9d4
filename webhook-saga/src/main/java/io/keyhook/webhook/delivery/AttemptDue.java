package io.keyhook.webhook.delivery;

/** The payload of both attempt deadlines: which attempt of which delivery. */
public record AttemptDue(String deliveryId, int attempt) {
}
