package io.keyhook.api.delivery;

import java.time.Instant;

/**
 * What one HTTP attempt came to: the receiver's status code (null when no answer arrived), why it
 * failed, the first 4 KiB of the answer, and a {@code Retry-After} the receiver asked for, in seconds.
 */
public record AttemptResult(int attempt, Instant startedAt, long durationMs, Integer statusCode, String error,
                            String responseBody, Long retryAfterSeconds) {

    public boolean succeeded() {
        return statusCode != null && statusCode >= 200 && statusCode < 300;
    }

    public Instant endedAt() {
        return startedAt.plusMillis(durationMs);
    }
}
