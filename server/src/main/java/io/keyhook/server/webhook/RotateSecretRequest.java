package io.keyhook.server.webhook;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/** Optional body of {@code rotate-secret}: the grace period, and a secret of the caller's own. */
public record RotateSecretRequest(@Min(0) @Max(7L * 24 * 3600) Long gracePeriodSeconds, String secret) {
}
