package io.keyhook.api.delivery;

import java.time.Instant;

/**
 * Deliveries still pending or retrying whose next step was due before {@code dueBefore}: the
 * scheduled attempt's time, or the last change when none is scheduled. Oldest first, at most
 * {@code limit}, of every organization (an installation-wide sweep, not an API query).
 */
public record FindStuckDeliveries(Instant dueBefore, int limit) {
}
