package io.keyhook.api.apikey;

import java.time.Instant;

/**
 * One attempt to use a key, allowed or denied. An attempt with a key nobody issued has no
 * {@code keyId} or {@code organizationId}; it is known by the prefix that was presented.
 */
public record ApiKeyUsageRecorded(String keyId, String organizationId, String presentedPrefix, Instant at,
                                  String method, String path, String clientIp, String userAgent,
                                  UsageReason reason, String detail) {

    public UsageOutcome outcome() {
        return reason.outcome();
    }
}
