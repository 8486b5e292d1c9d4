package io.keyhook.query.apikey;

import io.keyhook.api.apikey.UsageEntry;
import io.keyhook.api.apikey.UsageOutcome;
import io.keyhook.api.apikey.UsageReason;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

import java.time.Instant;

/**
 * One attempt with a key, recorded by the event {@code eventId}. Its id is that event's position in
 * the event stream, zero-padded ({@link #idAt}): ids that grow with the stream put each batch's new
 * entries at the end of the store's tree, where writing them touches a few pages instead of nearly
 * every page of the collection (event ids are random). Entries written before have their event id as
 * their id and no {@code eventId}.
 */
@Document("api_key_usage")
public record UsageDocument(@Id String id, String eventId, String keyId, String organizationId, String prefix,
                            Instant at, String method, String path, String clientIp, String userAgent,
                            UsageOutcome outcome, UsageReason reason, String detail) {

    private static final String ZEROS = "0".repeat(19);

    /** The id of the entry of an event at this position in the stream; by event id when it has none. */
    static String idAt(long position, String eventId) {
        if (position < 0 || position == Long.MAX_VALUE) {
            return eventId;
        }
        String digits = Long.toString(position);
        return ZEROS.substring(digits.length()) + digits;
    }

    UsageEntry toEntry() {
        return new UsageEntry(eventId != null ? eventId : id, keyId, prefix, at, method, path, clientIp, userAgent,
                outcome, reason, detail);
    }
}
