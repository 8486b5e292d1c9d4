package io.keyhook.server.web;

import java.util.stream.Stream;

/** A failure and what it wraps, outermost first; ten deep at most, in case the chain loops. */
final class Causes {

    private Causes() {
    }

    static Stream<Throwable> of(Throwable failure) {
        return Stream.iterate(failure, cause -> cause != null, cause -> cause.getCause() == cause ? null : cause.getCause())
                .limit(10);
    }
}
