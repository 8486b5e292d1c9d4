package io.keyhook.api.delivery;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * The outcome of one HTTP attempt. Only the attempt the delivery waits for is recorded: a duplicate or late
 * report changes nothing.
 */
public record RecordDeliveryAttempt(@TargetAggregateIdentifier String deliveryId, int attempt, Instant startedAt,
                                    long durationMs, Integer statusCode, String error, String responseBody,
                                    Long retryAfterSeconds) {
}
