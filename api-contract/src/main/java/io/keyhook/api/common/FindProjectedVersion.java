package io.keyhook.api.common;

/**
 * Asks a projection how far it has projected one aggregate (its last sequence number), so that a
 * write can answer only once its own change is readable. Each projection answers it under its own
 * query name.
 */
public record FindProjectedVersion(String aggregateId) {
}
