package io.keyhook.query.common;

import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A projection's writes collected over one event-processing batch and made when it commits (in
 * prepare-commit, so before the read-model store and the token are committed).
 */
public final class BatchResources {

    private BatchResources() {
    }

    /**
     * Adds to the batch's collector under {@code key}, made by {@code create} on first use and written
     * by {@code write} when the batch commits; outside an event-processing batch, written at once.
     */
    public static <B> void add(String key, Supplier<B> create, Consumer<B> write, Consumer<B> add) {
        if (CurrentUnitOfWork.isStarted() && CurrentUnitOfWork.get().root() instanceof BatchingUnitOfWork<?> root) {
            add.accept(root.getOrComputeResource(key, name -> {
                B batch = create.get();
                root.onPrepareCommit(committing -> write.accept(batch));
                return batch;
            }));
        } else {
            B single = create.get();
            add.accept(single);
            write.accept(single);
        }
    }
}
