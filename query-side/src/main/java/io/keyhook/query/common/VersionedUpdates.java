package io.keyhook.query.common;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.repository.reactive.ReactiveCrudRepository;

import java.util.Optional;
import java.util.function.UnaryOperator;

import static io.keyhook.query.common.Blocking.await;

/**
 * Applies an event to the document it changes, unless the document already carries that event or a
 * later one: redelivered and replayed events change nothing.
 */
public final class VersionedUpdates {

    private static final Logger log = LoggerFactory.getLogger(VersionedUpdates.class);

    private VersionedUpdates() {
    }

    /** The document after the event, or empty when it is missing from the read model. */
    public static <D extends Versioned> Optional<D> apply(ReactiveCrudRepository<D, String> documents, String id,
                                                          long sequence, UnaryOperator<D> change) {
        D document = await(documents.findById(id));
        if (document == null) {
            log.warn("Document {} is missing from the read model at event {}; rebuild the projection", id, sequence);
            return Optional.empty();
        }
        if (document.version() < sequence) {
            document = await(documents.save(change.apply(document)));
        }
        return Optional.of(document);
    }
}
