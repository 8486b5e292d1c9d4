package io.keyhook.api.common;

import java.time.Instant;

/**
 * The instants the system takes from clients: those RFC 3339 can write, in the years 0000 to 9999.
 * Every store holds them; an {@code Instant} can reach the year 1,000,000,000, which no MongoDB date
 * holds, so one such expiry in an event would stop the projection that reads it.
 */
public final class Timestamps {

    public static final Instant EARLIEST = Instant.parse("0000-01-01T00:00:00Z");
    /** The first instant past the range. */
    public static final Instant END = Instant.parse("+10000-01-01T00:00:00Z");
    public static final String RANGE = "must be a time in the years 0000 to 9999";

    private Timestamps() {
    }

    public static boolean inRange(Instant instant) {
        return !instant.isBefore(EARLIEST) && instant.isBefore(END);
    }
}
