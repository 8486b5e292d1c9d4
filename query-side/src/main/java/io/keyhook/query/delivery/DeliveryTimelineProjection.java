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
import io.keyhook.query.common.BatchResources;
import io.keyhook.query.common.Republishing;
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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import static io.keyhook.query.common.Blocking.await;
import static io.keyhook.query.common.ProjectedVersions.announce;
import static io.keyhook.query.common.Republished.atVersion;

/**
 * The delivery timeline: each delivery with its status, attempts and next attempt time. Every
 * change is pushed to {@link WatchDeliveries} subscribers, which is what the live stream serves.
 * <p>Handlers only say what an event changes; the events of a batch are applied together when it
 * commits, with one read and one write per delivery ({@link DeliveryBatch}), and each delivery the
 * batch touched is pushed once, as the batch left it.
 */
@Component
@ProcessingGroup(DeliveryTimelineProjection.GROUP)
public class DeliveryTimelineProjection implements Republishing {

    public static final String GROUP = "deliveries";
    private static final Sort NEWEST_FIRST = Sort.by(Sort.Order.desc("createdAt"), Sort.Order.desc("id"));
    private static final int LIVE_INITIAL = 50;
    private static final String BATCH = DeliveryTimelineProjection.class.getName() + ".batch";

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
        batch(batch -> batch.schedule(new DeliveryDocument(event.deliveryId(), event.subscriptionId(),
                event.organizationId(), event.eventId(), event.eventType(), event.body(), DeliveryStatus.PENDING,
                at, at, at, null, List.of(), sequence)));
    }

    @EventHandler
    void on(DeliveryAttempted event, @SequenceNumber long sequence, @Timestamp Instant at) {
        change(event.deliveryId(), sequence, at, delivery -> {
            AttemptView attempt = new AttemptView(event.attempt(), delivery.dueAt(), event.startedAt(),
                    event.durationMs(), event.statusCode(), event.error(), event.responseBody(), event.succeeded());
            if (delivery.attempt(attempt)) {
                delivery.status(attempt.succeeded() ? DeliveryStatus.SUCCEEDED : DeliveryStatus.RETRYING)
                        .nextAttemptAt(null);
            }
        });
    }

    @EventHandler
    void on(DeliveryRetryScheduled event, @SequenceNumber long sequence, @Timestamp Instant at) {
        // Attempt 1 scheduled (a test webhook) is not a retry: the delivery is still pending.
        DeliveryStatus status = event.attempt() == 1 ? DeliveryStatus.PENDING : DeliveryStatus.RETRYING;
        change(event.deliveryId(), sequence, at, delivery ->
                delivery.status(status).nextAttemptAt(event.dueAt()).failureReason(null));
    }

    @EventHandler
    void on(DeliverySucceeded event, @SequenceNumber long sequence, @Timestamp Instant at) {
        change(event.deliveryId(), sequence, at, delivery ->
                delivery.status(DeliveryStatus.SUCCEEDED).nextAttemptAt(null).failureReason(null));
    }

    @EventHandler
    void on(DeliveryFailed event, @SequenceNumber long sequence, @Timestamp Instant at) {
        change(event.deliveryId(), sequence, at, delivery ->
                delivery.status(DeliveryStatus.FAILED).nextAttemptAt(null).failureReason(event.reason()));
    }

    @EventHandler
    void on(DeliveryRedeliveryRequested event, @SequenceNumber long sequence, @Timestamp Instant at) {
        change(event.deliveryId(), sequence, at, delivery ->
                delivery.status(DeliveryStatus.PENDING).nextAttemptAt(at).failureReason(null));
    }

    @ResetHandler
    void reset() {
        await(deliveries.deleteAll());
    }

    private void change(String id, long sequence, Instant at, Consumer<DeliveryUpdate> change) {
        batch(batch -> batch.change(id, sequence, at, change));
    }

    /** Adds the event to its batch's deliveries, written when the batch commits. */
    private void batch(Consumer<DeliveryBatch> add) {
        BatchResources.add(BATCH, DeliveryBatch::new, this::write, add);
    }

    private void write(DeliveryBatch batch) {
        batch.write(mongo).forEach(this::publish);
    }

    private void publish(DeliveryDocument delivery) {
        DeliveryView view = delivery.toView();
        emitter.emit(WatchDeliveries.class, watch -> watch.organizationId().equals(view.organizationId())
                && watch.subscriptionId().equals(view.subscriptionId()), view);
        announce(emitter, FindProjectedVersion.DELIVERIES, delivery.id(), delivery.version());
    }

    @Override
    public Set<String> republish(Map<String, Long> wantedVersions) {
        return atVersion(wantedVersions, deliveries.findAllById(wantedVersions.keySet()), DeliveryDocument::id,
                this::publish);
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
