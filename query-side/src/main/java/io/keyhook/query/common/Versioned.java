package io.keyhook.query.common;

/** A read-model document that carries the sequence number of the last event applied to it. */
public interface Versioned {

    long version();
}
