package io.keyhook.api.apikey;

import java.time.Instant;

public record UsageEntry(String id, String keyId, String prefix, Instant at, String method, String path,
                         String clientIp, String userAgent, UsageOutcome outcome, UsageReason reason,
                         String detail) {
}
