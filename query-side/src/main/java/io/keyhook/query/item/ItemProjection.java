package io.keyhook.query.item;

import io.keyhook.api.common.FindProjectedVersion;
import io.keyhook.api.item.FindItem;
import io.keyhook.api.item.FindItems;
import io.keyhook.api.item.ItemCreated;
import io.keyhook.api.item.ItemDeleted;
import io.keyhook.api.item.ItemLowStock;
import io.keyhook.api.item.ItemPage;
import io.keyhook.api.item.ItemUpdated;
import io.keyhook.api.item.ItemView;
import io.keyhook.api.item.StockAdjusted;
import io.keyhook.api.item.WatchItem;
import io.keyhook.query.common.BatchResources;
import io.keyhook.query.common.VersionedBatch;
import io.keyhook.query.common.Republishing;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.queryhandling.QueryHandler;
import org.axonframework.queryhandling.QueryUpdateEmitter;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import static io.keyhook.query.common.Blocking.await;
import static io.keyhook.query.common.ProjectedVersions.announce;
import static io.keyhook.query.common.Republished.atVersion;

/**
 * Items as the API shows them. Every document carries the sequence number of the last event applied
 * to it; an event at or below it has been applied already and is skipped (idempotent on redelivery
 * and replay). The events of one processing batch are written together ({@link VersionedBatch}).
 * After each batch, and before its versions are announced, the listings of the organizations it
 * changed held in memory ({@link ItemListings}) are dropped here and on every other instance.
 */
@Component
@ProcessingGroup(ItemProjection.GROUP)
public class ItemProjection implements Republishing {

    public static final String GROUP = "items";

    private static final String BATCH = ItemProjection.class.getName() + ".batch";

    private final ItemRepository items;
    private final ReactiveMongoTemplate mongo;
    private final ItemListings listings;
    private final QueryUpdateEmitter emitter;

    public ItemProjection(ItemRepository items, ReactiveMongoTemplate mongo, ItemListings listings,
                          QueryUpdateEmitter emitter) {
        this.items = items;
        this.mongo = mongo;
        this.listings = listings;
        this.emitter = emitter;
    }

    @EventHandler
    void on(ItemCreated event, @SequenceNumber long sequence, @Timestamp Instant at) {
        batch(batch -> batch.create(new ItemDocument(event.itemId(), event.organizationId(), event.name(),
                event.sku(), event.quantity(), event.lowStockThreshold(), event.description(), false, sequence, at,
                at)));
    }

    @EventHandler
    void on(ItemUpdated event, @SequenceNumber long sequence, @Timestamp Instant at) {
        change(event.itemId(), sequence, at, item -> item.withDetails(event.name(), event.sku(), event.quantity(),
                event.lowStockThreshold(), event.description()));
    }

    @EventHandler
    void on(StockAdjusted event, @SequenceNumber long sequence, @Timestamp Instant at) {
        change(event.itemId(), sequence, at, item -> item.withQuantity(event.quantity()));
    }

    @EventHandler
    void on(ItemLowStock event, @SequenceNumber long sequence, @Timestamp Instant at) {
        change(event.itemId(), sequence, at, UnaryOperator.identity());
    }

    @EventHandler
    void on(ItemDeleted event, @SequenceNumber long sequence, @Timestamp Instant at) {
        change(event.itemId(), sequence, at, ItemDocument::asDeleted);
    }

    private void change(String itemId, long sequence, Instant at, UnaryOperator<ItemDocument> change) {
        batch(batch -> batch.change(itemId, sequence, item -> change.apply(item).at(sequence, at)));
    }

    /**
     * The events of a batch are applied together when it commits, with one read and one write for all
     * the items they touch; then each item's version is announced to the writers waiting for it.
     */
    private void batch(Consumer<VersionedBatch<ItemDocument>> add) {
        BatchResources.add(BATCH, () -> new VersionedBatch<>(ItemDocument.class, ItemDocument::id),
                batch -> publish(batch.write(mongo)), add);
    }

    private void publish(List<ItemDocument> touched) {
        touched.stream().map(ItemDocument::organizationId).distinct().forEach(organizationId -> {
            listings.changed(organizationId);
            emitter.emit(WatchItemListings.class, query -> true, organizationId);
        });
        touched.forEach(this::publish);
    }

    /** A deleted item ends its watches: a write waiting for it answers at once that it is gone. */
    private void publish(ItemDocument item) {
        Predicate<WatchItem> watching = watch -> watch.itemId().equals(item.id())
                && watch.organizationId().equals(item.organizationId());
        if (item.deleted()) {
            emitter.complete(WatchItem.class, watching);
        } else {
            emitter.emit(WatchItem.class, watching, item.toView());
        }
        announce(emitter, FindProjectedVersion.ITEMS, item.id(), item.version());
    }

    @Override
    public Set<String> republish(Map<String, Long> wantedVersions) {
        List<ItemDocument> current = new ArrayList<>();
        Set<String> behind = atVersion(wantedVersions, items.findAllById(wantedVersions.keySet()), ItemDocument::id,
                current::add);
        publish(current);
        return behind;
    }

    /** A replay starts from nothing: every document is rebuilt from the events. */
    @ResetHandler
    void reset() {
        await(items.deleteAll());
        listings.clear();
    }

    @QueryHandler
    CompletableFuture<ItemView> handle(FindItem query) {
        return items.findVisible(query.itemId(), query.organizationId())
                .map(ItemDocument::toView)
                .toFuture();
    }

    @QueryHandler
    CompletableFuture<ItemView> handle(WatchItem query) {
        return items.findVisible(query.itemId(), query.organizationId())
                .map(ItemDocument::toView)
                .toFuture();
    }

    @QueryHandler
    CompletableFuture<ItemPage> handle(FindItems query) {
        return listings.find(query).toFuture();
    }

    /** Changes only: there is nothing to answer at first. */
    @QueryHandler
    CompletableFuture<List<String>> handle(WatchItemListings query) {
        return CompletableFuture.completedFuture(List.of());
    }

    @QueryHandler(queryName = FindProjectedVersion.ITEMS)
    CompletableFuture<Long> handle(FindProjectedVersion query) {
        return items.findById(query.aggregateId()).map(ItemDocument::version).defaultIfEmpty(-1L).toFuture();
    }
}
