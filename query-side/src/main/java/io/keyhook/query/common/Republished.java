package io.keyhook.query.common;

import reactor.core.publisher.Flux;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

import static io.keyhook.query.common.Blocking.await;

/** Reads documents back for {@link Republishing}: pushes those at their wanted version, returns the others. */
public final class Republished {

    private Republished() {
    }

    public static <D extends Versioned> Set<String> atVersion(Map<String, Long> wanted, Flux<D> stored,
                                                              Function<D, String> idOf, Consumer<D> push) {
        Set<String> behind = new HashSet<>(wanted.keySet());
        for (D document : await(stored.collectList())) {
            String id = idOf.apply(document);
            Long version = wanted.get(id);
            if (version != null && document.version() >= version) {
                behind.remove(id);
                push.accept(document);
            }
        }
        return behind;
    }
}
