package io.keyhook.query.delivery;

import io.keyhook.api.delivery.DeliveryAttempted;
import io.keyhook.api.delivery.DeliveryRetryScheduled;
import io.keyhook.api.delivery.DeliveryScheduled;
import io.keyhook.api.delivery.DeliveryStatus;
import io.keyhook.api.delivery.DeliverySucceeded;
import io.keyhook.api.delivery.DeliveryView;
import io.keyhook.api.delivery.FindDelivery;
import io.keyhook.query.ProjectionTestKit;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.messaging.MetaData;
import org.axonframework.queryhandling.SimpleQueryUpdateEmitter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The delivery timeline over a real embedded MongoDB server, with the commands the projection sends
 * recorded: a batch of events reads its deliveries with one find and writes each once; the same
 * batch delivered again writes nothing; outside a batch every event is written at once.
 */
class DeliveryBatchTest {

    private static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");

    private ProjectionTestKit kit;
    private DeliveryTimelineProjection projection;
    private AnnotationEventHandlerAdapter handlers;

    @BeforeEach
    void start() {
        kit = new ProjectionTestKit();
        projection = new DeliveryTimelineProjection(kit.repository(DeliveryRepository.class), kit.mongo(),
                SimpleQueryUpdateEmitter.builder().build());
        handlers = new AnnotationEventHandlerAdapter(projection);
    }

    @AfterEach
    void stop() {
        kit.close();
    }

    @Test
    void aBatchReadsItsDeliveriesOnceAndWritesEachOnce() throws Exception {
        String first = UUID.randomUUID().toString();
        String second = UUID.randomUUID().toString();
        List<EventMessage<?>> batch = List.of(
                event(first, 0, new DeliveryScheduled(first, "sub", "org", "e1", "item.created", "{\"a\":1}", T0)),
                event(second, 0, new DeliveryScheduled(second, "sub", "org", "e2", "item.created", "{\"b\":2}", T0)),
                event(first, 1, attempted(first, 1, 500)),
                event(first, 2, new DeliveryRetryScheduled(first, "sub", "org", 2, T0.plusSeconds(10), "item.created", "{\"a\":1}")),
                event(first, 3, attempted(first, 2, 200)),
                event(first, 4, new DeliverySucceeded(first, "sub", "org", 2)));

        handleInBatch(batch);

        assertThat(kit.commands()).containsExactly("find", "insert");
        DeliveryView delivered = find(first);
        assertThat(delivered.status()).isEqualTo(DeliveryStatus.SUCCEEDED);
        assertThat(delivered.version()).isEqualTo(4);
        assertThat(delivered.attempts()).extracting(attempt -> attempt.statusCode()).containsExactly(500, 200);
        assertThat(delivered.attempts().get(1).dueAt()).isEqualTo(T0.plusSeconds(10));
        assertThat(delivered.nextAttemptAt()).isNull();
        assertThat(find(second).status()).isEqualTo(DeliveryStatus.PENDING);

        kit.clearCommands();
        handleInBatch(batch);
        assertThat(kit.commands()).as("a batch delivered again").containsExactly("find");
        assertThat(find(first)).isEqualTo(delivered);

        kit.clearCommands();
        handleInBatch(List.of(event(second, 1, attempted(second, 1, 503)),
                event(second, 2, new DeliveryRetryScheduled(second, "sub", "org", 2, T0.plusSeconds(40), "item.created", "{\"b\":2}"))));
        assertThat(kit.commands()).as("changes of a stored delivery").containsExactly("find", "update");
        DeliveryView retrying = find(second);
        assertThat(retrying.status()).isEqualTo(DeliveryStatus.RETRYING);
        assertThat(retrying.nextAttemptAt()).isEqualTo(T0.plusSeconds(40));
        assertThat(retrying.payload()).isEqualTo("{\"b\":2}");
        assertThat(retrying.version()).isEqualTo(2);
    }

    @Test
    void outsideABatchEveryEventIsWrittenAtOnce() throws Exception {
        String id = UUID.randomUUID().toString();
        handlers.handle(event(id, 0, new DeliveryScheduled(id, "sub", "org", "e1", "item.created", "{}", T0)));
        assertThat(find(id).status()).isEqualTo(DeliveryStatus.PENDING);

        handlers.handle(event(id, 1, attempted(id, 1, 204)));
        assertThat(find(id).status()).isEqualTo(DeliveryStatus.SUCCEEDED);
        handlers.handle(event(id, 1, attempted(id, 1, 500)));
        assertThat(find(id).attempts()).singleElement().satisfies(attempt -> assertThat(attempt.statusCode()).isEqualTo(204));
    }

    private void handleInBatch(List<EventMessage<?>> events) {
        ProjectionTestKit.handleInBatch(handlers, events);
    }

    private DeliveryView find(String id) throws Exception {
        return projection.handle(new FindDelivery("org", id)).get();
    }

    private static DeliveryAttempted attempted(String id, int attempt, int status) {
        return new DeliveryAttempted(id, "sub", "org", attempt, T0.plusSeconds(attempt), 12, status, null, "ok", null,
                status < 300);
    }

    private static EventMessage<?> event(String aggregateId, long sequence, Object payload) {
        return new GenericDomainEventMessage<>("Delivery", aggregateId, sequence, payload, MetaData.emptyInstance(),
                UUID.randomUUID().toString(), T0.plusSeconds(sequence));
    }
}
