package io.keyhook.server.infra;

import org.axonframework.common.transaction.Transaction;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.DefaultInterceptorChain;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch of an event processor, the way a tracking processor runs it: its token is written in
 * prepare-commit and committed with the transaction. The read-model file must be committed after
 * every write of the batch, end-of-batch writes included, and before that transaction commits.
 */
class ReadModelCommitOrderTest {

    @TempDir
    Path dir;

    private final List<String> order = new CopyOnWriteArrayList<>();

    @Test
    void theReadModelFileIsCommittedOncePerBatchAfterItsWritesAndBeforeItsToken() throws Exception {
        ReadModelBackend backend = new ReadModelBackend(dir.resolve("readmodels.mv").toString()) {
            @Override
            public void commit() {
                order.add("read models committed");
                super.commit();
            }
        };
        MessageHandlerInterceptor<EventMessage<?>> interceptor = EventProcessingConfig.commitBeforeToken(backend);
        List<EventMessage<?>> events = List.of(GenericEventMessage.asEventMessage("first"),
                GenericEventMessage.asEventMessage("second"));
        BatchingUnitOfWork<EventMessage<?>> batch = new BatchingUnitOfWork<>(events);
        batch.attachTransaction(recordingTransactions());
        batch.onPrepareCommit(unitOfWork -> order.add("token written"));

        batch.executeWithResult(() -> new DefaultInterceptorChain<>(batch, List.of(interceptor), message -> {
            order.add("handled " + message.getPayload());
            if (batch.isFirstMessage()) {
                batch.root().onPrepareCommit(committing -> order.add("batched write registered by the first"));
            }
            if (batch.isLastMessage()) {
                batch.onPrepareCommit(committing -> order.add("end-of-batch write"));
            }
            return null;
        }).proceed());

        assertThat(order).containsExactly("handled first", "handled second", "token written",
                "batched write registered by the first", "end-of-batch write",
                "read models committed", "transaction committed");
        backend.close();
    }

    private TransactionManager recordingTransactions() {
        return () -> new Transaction() {
            @Override
            public void commit() {
                order.add("transaction committed");
            }

            @Override
            public void rollback() {
                order.add("transaction rolled back");
            }
        };
    }
}
