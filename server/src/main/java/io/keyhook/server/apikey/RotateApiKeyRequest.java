package io.keyhook.server.apikey;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import java.time.Duration;

/** The body of {@code POST /api-keys/{id}/rotate}; without one, the old secret works for 24 hours more. */
public record RotateApiKeyRequest(@Min(0) @Max(30L * 24 * 3600) Long gracePeriodSeconds) {

    static final Duration DEFAULT_GRACE = Duration.ofHours(24);

    Duration gracePeriod() {
        return gracePeriodSeconds == null ? DEFAULT_GRACE : Duration.ofSeconds(gracePeriodSeconds);
    }
}
