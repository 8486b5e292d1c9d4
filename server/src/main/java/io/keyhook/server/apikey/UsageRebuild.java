package io.keyhook.server.apikey;

import java.time.Instant;

/**
 * How far the rebuild of one key's usage audit has come: {@code entriesRebuilt} attempts of the key
 * written again from the event store so far; {@code failure} says why it stopped, if it did.
 */
public record UsageRebuild(String id, String keyId, Instant startedAt, long entriesRebuilt, boolean done,
                           String failure) {
}
