package io.keyhook.api.delivery;

import java.time.Instant;

/** {@code dueAt}: when the attempt was scheduled for; {@code at}: when it started. */
public record AttemptView(int number, Instant dueAt, Instant at, long durationMs, Integer statusCode, String error,
                          String responseBody, boolean succeeded) {
}
