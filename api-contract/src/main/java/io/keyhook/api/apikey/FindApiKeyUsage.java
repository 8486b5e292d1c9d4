package io.keyhook.api.apikey;

import java.time.Instant;

/** The audit trail of one key, newest first; {@code from} inclusive, {@code to} exclusive, both optional. */
public record FindApiKeyUsage(String organizationId, String keyId, Instant from, Instant to, UsageOutcome outcome,
                              int page, int size) {
}
