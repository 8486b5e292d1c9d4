package io.keyhook.api.delivery;

import java.time.Instant;

public record DeliveryAttempted(String deliveryId, String subscriptionId, String organizationId, int attempt,
                                Instant startedAt, long durationMs, Integer statusCode, String error,
                                String responseBody, Long retryAfterSeconds, boolean succeeded) {
}
