package io.keyhook.query.delivery;

import io.keyhook.api.common.FindProjectedVersion;
import io.keyhook.api.delivery.AttemptView;
import io.keyhook.api.delivery.DeliveryAttempted;
import io.keyhook.api.delivery.DeliveryFailed;
import io.keyhook.api.delivery.DeliveryPage;
import io.keyhook.api.delivery.DeliveryRedeliveryRequested;
import io.keyhook.api.delivery.DeliveryRetryScheduled;
import io.keyhook.api.delivery.DeliveryScheduled;
import io.keyhook.api.delivery.DeliveryStatus;
import io.keyhook.api.delivery.DeliverySucceeded;
import io.keyhook.api.delivery.DeliveryView;
import io.keyhook.api.delivery.FindDeliveries;
import io.keyhook.api.delivery.FindDelivery;
import io.keyhook.api.delivery.FindStuckDeliveries;
import io.keyhook.api.delivery.WatchDeliveries;
import io.keyhook.query.common.VersionedUpdates;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.queryhandling.QueryHandler;
import org.axonframework.queryhandling.QueryUpdateEmitter;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

import static io.keyhook.query.common.Blocking.await;
import static io.keyhook.query.common.ProjectedVersions.announce;

/**
 * The delivery timeline: each delivery with its status, attempts and next attempt time. Every
 * change is pushed to {@link WatchDeliveries} subscribers, which is what the live stream serves.
 */
@Component
@ProcessingGroup(DeliveryTimelineProjection.GROUP)
public class DeliveryTimelineProjection {

    public static final String GROUP = "deliveries";
    private static final Sort NEWEST_FIRST = Sort.by(Sort.Order.desc("createdAt"), Sort.Order.desc("id"));
    private static final int LIVE_INITIAL = 50;

    private final DeliveryRepository deliveries;
    private final ReactiveMongoTemplate mongo;
    private final QueryUpdateEmitter emitter;

    public DeliveryTimelineProjection(DeliveryRepository deliveries, ReactiveMongoTemplate mongo,
                                      QueryUpdateEmitter emitter) {
        this.deliveries = deliveries;
        this.mongo = mongo;
        this.emitter = emitter;
    }

    @EventHandler
    void on(DeliveryScheduled event, @SequenceNumber long sequence, @Timestamp Instant at) {
        DeliveryDocument existing = await(deliveries.findById(event.deliveryId()));
        DeliveryDocument delivery = existing;
        if (existing == null || existing.version() < sequence) {
            delivery = await(deliveries.save(new DeliveryDocument(event.deliveryId(), event.subscriptionId(),
                    event.organizationId(), event.eventId(), event.eventType(), event.body(), DeliveryStatus.PENDING,
                    at, at, at, null, List.of(), sequence)));
        }
        publish(delivery, sequence);
    }

    @EventHandler
    void on(DeliveryAttempted event, @SequenceNumber long sequence, @Timestamp Instant at) {
        change(event.deliveryId(), sequence, at, delivery -> delivery.withAttempt(new AttemptView(event.attempt(),
                delivery.dueAt(), event.startedAt(), event.durationMs(), event.statusCode(), event.error(), event.responseBody(),
                event.succeeded())));
    }

    @EventHandler
    void on(DeliveryRetryScheduled event, @SequenceNumber long sequence, @Timestamp Instant at) {
        change(event.deliveryId(), sequence, at, delivery ->
                delivery.withStatus(DeliveryStatus.RETRYING, event.dueAt(), null));
    }

    @EventHandler
    void on(DeliverySucceeded event, @SequenceNumber long sequence, @Timestamp Instant at) {
        change(event.deliveryId(), sequence, at, delivery -> delivery.withStatus(DeliveryStatus.SUCCEEDED, null, null));
    }

    @EventHandler
    void on(DeliveryFailed event, @SequenceNumber long sequence, @Timestamp Instant at) {
        change(event.deliveryId(), sequence, at, delivery ->
                delivery.withStatus(DeliveryStatus.FAILED, null, event.reason()));
    }

    @EventHandler
    void on(DeliveryRedeliveryRequested event, @SequenceNumber long sequence, @Timestamp Instant at) {
        change(event.deliveryId(), sequence, at, delivery -> delivery.withStatus(DeliveryStatus.PENDING, at, null));
    }

    @ResetHandler
    void reset() {
        await(deliveries.deleteAll());
    }

    private void change(String id, long sequence, Instant at, UnaryOperator<DeliveryDocument> change) {
        VersionedUpdates.apply(deliveries, id, sequence, delivery -> change.apply(delivery).at(sequence, at))
                .ifPresent(delivery -> publish(delivery, sequence));
    }

    private void publish(DeliveryDocument delivery, long sequence) {
        DeliveryView view = delivery.toView();
        emitter.emit(WatchDeliveries.class, watch -> watch.organizationId().equals(view.organizationId())
                && watch.subscriptionId().equals(view.subscriptionId()), view);
        announce(emitter, FindProjectedVersion.DELIVERIES, delivery.id(), sequence);
    }

    @QueryHandler
    CompletableFuture<DeliveryView> handle(FindDelivery query) {
        return deliveries.findVisible(query.deliveryId(), query.organizationId())
                .map(DeliveryDocument::toView)
                .toFuture();
    }

    @QueryHandler
    CompletableFuture<DeliveryPage> handle(FindDeliveries query) {
        Criteria criteria = Criteria.where("organizationId").is(query.organizationId())
                .and("subscriptionId").is(query.subscriptionId());
        if (query.status() != null) {
            criteria.and("status").is(query.status());
        }
        Query page = Query.query(criteria).with(NEWEST_FIRST).skip((long) query.page() * query.size())
                .limit(query.size());
        return mongo.find(page, DeliveryDocument.class)
                .map(DeliveryDocument::toView)
                .collectList()
                .zipWith(mongo.count(Query.query(criteria), DeliveryDocument.class))
                .map(result -> new DeliveryPage(result.getT1(), query.page(), query.size(), result.getT2()))
                .toFuture();
    }

    @QueryHandler
    CompletableFuture<List<DeliveryView>> handle(WatchDeliveries query) {
        Query latest = Query.query(Criteria.where("organizationId").is(query.organizationId())
                .and("subscriptionId").is(query.subscriptionId())).with(NEWEST_FIRST).limit(LIVE_INITIAL);
        return mongo.find(latest, DeliveryDocument.class).map(DeliveryDocument::toView).collectList().toFuture();
    }

    @QueryHandler
    CompletableFuture<List<DeliveryView>> handle(FindStuckDeliveries query) {
        Criteria waiting = Criteria.where("status").in(DeliveryStatus.PENDING, DeliveryStatus.RETRYING);
        Criteria overdue = new Criteria().orOperator(Criteria.where("nextAttemptAt").lt(query.dueBefore()),
                new Criteria().andOperator(Criteria.where("nextAttemptAt").is(null),
                        Criteria.where("updatedAt").lt(query.dueBefore())));
        Query stuck = Query.query(new Criteria().andOperator(waiting, overdue))
                .with(Sort.by("updatedAt")).limit(query.limit());
        return mongo.find(stuck, DeliveryDocument.class).map(DeliveryDocument::toView).collectList().toFuture();
    }

    @QueryHandler(queryName = FindProjectedVersion.DELIVERIES)
    CompletableFuture<Long> handle(FindProjectedVersion query) {
        return deliveries.findById(query.aggregateId()).map(DeliveryDocument::version).defaultIfEmpty(-1L).toFuture();
    }
}
