package io.keyhook.query.apikey;

import io.keyhook.api.apikey.UsageEntry;
import io.keyhook.api.apikey.UsageOutcome;
import io.keyhook.api.apikey.UsageReason;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

import java.time.Instant;

/** One attempt with a key; its id is the id of the event that recorded it. */
@Document("api_key_usage")
public record UsageDocument(@Id String id, String keyId, String organizationId, String prefix, Instant at,
                            String method, String path, String clientIp, String userAgent, UsageOutcome outcome,
                            UsageReason reason, String detail) {

    UsageEntry toEntry() {
        return new UsageEntry(id, keyId, prefix, at, method, path, clientIp, userAgent, outcome, reason, detail);
    }
}
