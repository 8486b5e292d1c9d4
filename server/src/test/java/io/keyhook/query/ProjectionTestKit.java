package io.keyhook.query;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.repository.support.ReactiveMongoRepositoryFactory;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A projection's test bench: a real embedded MongoDB server (in memory), a template and repositories
 * on it, the name of every command the driver sends, and event batches handled in one unit of work
 * as a tracking processor handles them.
 */
public final class ProjectionTestKit implements AutoCloseable {

    private final MongoServer server;
    private final MongoClient client;
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final ReactiveMongoTemplate mongo;

    public ProjectionTestKit() {
        server = new MongoServer(H2Backend.inMemory());
        InetSocketAddress address = server.bind();
        client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString("mongodb://" + address.getHostString() + ":"
                        + address.getPort()))
                .addCommandListener(new CommandListener() {
                    @Override
                    public void commandStarted(CommandStartedEvent event) {
                        commands.add(event.getCommandName());
                    }
                }).build());
        mongo = new ReactiveMongoTemplate(client, "keyhook");
    }

    public ReactiveMongoTemplate mongo() {
        return mongo;
    }

    public <R> R repository(Class<R> type) {
        return new ReactiveMongoRepositoryFactory(mongo).getRepository(type);
    }

    /** The names of the commands sent since the last {@link #clearCommands()}, in order. */
    public List<String> commands() {
        return List.copyOf(commands);
    }

    public void clearCommands() {
        commands.clear();
    }

    /** Handles the events as one batch; a handler's failure fails the test. */
    public static void handleInBatch(AnnotationEventHandlerAdapter handlers, List<EventMessage<?>> events) {
        BatchingUnitOfWork<EventMessage<?>> batch = new BatchingUnitOfWork<>(new ArrayList<>(events));
        batch.executeWithResult(() -> {
            handlers.handle(batch.getMessage());
            return null;
        });
        if (batch.getExecutionResult() != null && batch.getExecutionResult().isExceptionResult()) {
            throw new AssertionError(batch.getExecutionResult().getExceptionResult());
        }
    }

    @Override
    public void close() {
        client.close();
        server.shutdownNow();
    }
}
