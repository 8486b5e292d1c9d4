package io.keyhook.server.admin;

import java.time.Instant;

/**
 * How far a replay has come, in positions of the event stream: {@code eventsTotal} is the stream's
 * length when the replay started, {@code eventsReplayed} how much of it the projection has been
 * through again. {@code failure} says why a replay stopped before its end (absent otherwise).
 */
public record ReplayProgress(String id, String processingGroup, Instant startedAt, long eventsReplayed,
                             long eventsTotal, boolean done, String failure) {

    public ReplayProgress(String id, String processingGroup, Instant startedAt, long eventsReplayed, long eventsTotal,
                   boolean done) {
        this(id, processingGroup, startedAt, eventsReplayed, eventsTotal, done, null);
    }
}
