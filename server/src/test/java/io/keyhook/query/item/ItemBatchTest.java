package io.keyhook.query.item;

import io.keyhook.api.common.FindProjectedVersion;
import io.keyhook.api.item.FindItem;
import io.keyhook.api.item.FindItems;
import io.keyhook.api.item.ItemCreated;
import io.keyhook.api.item.ItemDeleted;
import io.keyhook.api.item.ItemLowStock;
import io.keyhook.api.item.ItemUpdated;
import io.keyhook.api.item.ItemView;
import io.keyhook.api.item.StockAdjusted;
import io.keyhook.api.item.WatchItem;
import io.keyhook.query.ProjectionTestKit;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.DefaultQueryGateway;
import org.axonframework.queryhandling.GenericSubscriptionQueryMessage;
import org.axonframework.queryhandling.SimpleQueryBus;
import org.axonframework.queryhandling.SimpleQueryUpdateEmitter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The items projection over a real embedded MongoDB server, with the commands it sends recorded: a
 * batch of events reads its items with one find and writes each changed item once; the same batch
 * handled again writes nothing; an older event never overwrites a newer item.
 */
class ItemBatchTest {

    private static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");

    private ProjectionTestKit kit;
    private SimpleQueryUpdateEmitter emitter;
    private ItemProjection projection;
    private AnnotationEventHandlerAdapter handlers;

    @BeforeEach
    void start() {
        kit = new ProjectionTestKit();
        ItemRepository repository = kit.repository(ItemRepository.class);
        ItemListings listings = new ItemListings(repository,
                DefaultQueryGateway.builder().queryBus(SimpleQueryBus.builder().build()).build());
        emitter = SimpleQueryUpdateEmitter.builder().build();
        projection = new ItemProjection(repository, kit.mongo(), listings, emitter);
        handlers = new AnnotationEventHandlerAdapter(projection);
    }

    @AfterEach
    void stop() {
        kit.close();
    }

    @Test
    void aBatchReadsItsItemsOnceAndWritesEachOnce() throws Exception {
        String bolt = UUID.randomUUID().toString();
        String nut = UUID.randomUUID().toString();
        List<EventMessage<?>> batch = List.of(
                event(bolt, 0, new ItemCreated(bolt, "org", "Bolt", "B-1", 10, 3, "steel")),
                event(nut, 0, new ItemCreated(nut, "org", "Nut", "N-1", 5, 1, null)),
                event(bolt, 1, new StockAdjusted(bolt, "org", -8, 2)),
                event(bolt, 2, new ItemLowStock(bolt, "org", "Bolt", "B-1", 2, 3)),
                event(nut, 1, new ItemUpdated(nut, "org", "Nut M6", "N-6", 7, 2, "zinc")));

        handleInBatch(batch);

        assertThat(kit.commands()).containsExactly("find", "insert");
        ItemView boltView = find(bolt);
        assertThat(boltView.quantity()).isEqualTo(2);
        assertThat(boltView.lowStock()).isTrue();
        assertThat(boltView.version()).isEqualTo(2);
        assertThat(boltView.updatedAt()).isEqualTo(T0.plusSeconds(2));
        assertThat(boltView.createdAt()).isEqualTo(T0);
        ItemView nutView = find(nut);
        assertThat(nutView.name()).isEqualTo("Nut M6");
        assertThat(nutView.description()).isEqualTo("zinc");
        assertThat(projection.handle(new FindProjectedVersion(nut)).get()).isEqualTo(1L);

        kit.clearCommands();
        handleInBatch(batch);
        assertThat(kit.commands()).as("a batch handled again").containsExactly("find");
        assertThat(find(bolt)).isEqualTo(boltView);

        kit.clearCommands();
        handleInBatch(List.of(event(nut, 2, new StockAdjusted(nut, "org", 3, 10)),
                event(bolt, 3, new ItemDeleted(bolt, "org")),
                event(nut, 0, new ItemCreated(nut, "org", "Nut", "N-1", 5, 1, null))));
        assertThat(kit.commands()).as("changes of stored items").containsExactly("find", "update");
        assertThat(find(nut).quantity()).isEqualTo(10);
        assertThat(find(nut).name()).as("the older creation is skipped").isEqualTo("Nut M6");
        assertThat(projection.handle(new FindItem("org", bolt)).get()).as("deleted").isNull();
        assertThat(projection.handle(new FindProjectedVersion(bolt)).get()).as("the tombstone's version")
                .isEqualTo(3L);
        assertThat(projection.handle(new FindItems("org", 0, 20)).get().items()).extracting(ItemView::id)
                .containsExactly(nut);
    }

    /** What a write waits for: the item as a batch left it, and the end of the watch when it is deleted. */
    @Test
    void watchersGetTheItemEachBatchLeavesAndAreDoneWhenItIsDeleted() throws Exception {
        String id = UUID.randomUUID().toString();
        handleInBatch(List.of(event(id, 0, new ItemCreated(id, "org", "Bolt", "B-1", 10, 3, null))));
        var watch = emitter.registerUpdateHandler(new GenericSubscriptionQueryMessage<>(new WatchItem("org", id),
                ResponseTypes.instanceOf(ItemView.class), ResponseTypes.instanceOf(ItemView.class)), 16);
        var other = emitter.registerUpdateHandler(new GenericSubscriptionQueryMessage<>(new WatchItem("other", id),
                ResponseTypes.instanceOf(ItemView.class), ResponseTypes.instanceOf(ItemView.class)), 16);

        handleInBatch(List.of(event(id, 1, new StockAdjusted(id, "org", -8, 2)),
                event(id, 2, new ItemLowStock(id, "org", "Bolt", "B-1", 2, 3))));
        handleInBatch(List.of(event(id, 3, new ItemDeleted(id, "org"))));

        StepVerifier.create(watch.getUpdates().map(update -> ((ItemView) update.getPayload()).version()))
                .expectNext(2L)
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        StepVerifier.create(other.getUpdates()).as("another organization's watch of the same id")
                .expectTimeout(Duration.ofMillis(200))
                .verify();
    }

    @Test
    void outsideABatchEveryEventIsWrittenAtOnce() throws Exception {
        String id = UUID.randomUUID().toString();
        handlers.handle(event(id, 0, new ItemCreated(id, "org", "Bolt", "B-1", 10, 3, null)));
        assertThat(find(id).quantity()).isEqualTo(10);
        handlers.handle(event(id, 1, new StockAdjusted(id, "org", 1, 11)));
        assertThat(find(id).quantity()).isEqualTo(11);
        handlers.handle(event(id, 1, new StockAdjusted(id, "org", 5, 15)));
        assertThat(find(id).quantity()).as("the same event again").isEqualTo(11);
    }

    private void handleInBatch(List<EventMessage<?>> events) {
        ProjectionTestKit.handleInBatch(handlers, events);
    }

    private ItemView find(String id) throws Exception {
        return projection.handle(new FindItem("org", id)).get();
    }

    private static EventMessage<?> event(String aggregateId, long sequence, Object payload) {
        return new GenericDomainEventMessage<>("Item", aggregateId, sequence, payload, MetaData.emptyInstance(),
                UUID.randomUUID().toString(), T0.plusSeconds(sequence));
    }
}
