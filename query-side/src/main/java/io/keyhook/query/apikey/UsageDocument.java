package io.keyhook.query.apikey;

import io.keyhook.api.apikey.UsageEntry;
import io.keyhook.api.apikey.UsageOutcome;
import io.keyhook.api.apikey.UsageReason;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

import java.time.Instant;

/**
 * One attempt with a key, recorded by the event {@code eventId}. Its id is the attempt's time in
 * microseconds, zero-padded, then the event id ({@link #idOf}): ids that grow with time put each
 * batch's new entries at the end of the store's tree, where writing them touches a few pages instead
 * of nearly every page of the collection (event ids alone are random), and the id is the event's
 * own, the same however often and in whatever batch the event is handled. (A tracking token's
 * position is not: an event that fills a gap in the stream is handled at the position of the latest
 * event seen, which another event has too.) Entries written before have their event id, or a
 * position, as their id.
 */
@Document("api_key_usage")
public record UsageDocument(@Id String id, String eventId, String keyId, String organizationId, String prefix,
                            Instant at, String method, String path, String clientIp, String userAgent,
                            UsageOutcome outcome, UsageReason reason, String detail) {

    private static final String ZEROS = "0".repeat(16);

    /** The id of the entry of the event {@code eventId}, an attempt at {@code at}. */
    static String idOf(Instant at, String eventId) {
        String micros = Long.toString(Math.max(0, at.getEpochSecond() * 1_000_000 + at.getNano() / 1_000));
        return (micros.length() < ZEROS.length() ? ZEROS.substring(micros.length()) : "") + micros + "-" + eventId;
    }

    UsageEntry toEntry() {
        return new UsageEntry(eventId != null ? eventId : id, keyId, prefix, at, method, path, clientIp, userAgent,
                outcome, reason, detail);
    }
}
