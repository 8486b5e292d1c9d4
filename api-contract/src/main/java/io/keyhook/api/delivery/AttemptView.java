package io.keyhook.api.delivery;

import java.time.Instant;

public record AttemptView(int number, Instant at, long durationMs, Integer statusCode, String error, String responseBody, boolean succeeded) {
}
