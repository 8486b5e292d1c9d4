package io.keyhook.query.common;

import reactor.core.publisher.Mono;

import java.time.Duration;

/**
 * Event handlers run on event-processor threads and must finish their write before the token moves
 * on, so they wait for the reactive driver here, bounded.
 */
public final class Blocking {

    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);

    private Blocking() {
    }

    public static <T> T await(Mono<T> mono) {
        return mono.block(WRITE_TIMEOUT);
    }
}
