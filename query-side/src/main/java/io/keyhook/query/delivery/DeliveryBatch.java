package io.keyhook.query.delivery;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.mongodb.core.BulkOperations;
import org.springframework.data.mongodb.core.ReactiveBulkOperations;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import static io.keyhook.query.common.Blocking.await;

/**
 * The delivery events of one event-processing batch, in order, applied together when the batch
 * commits: one {@code $in} find loads every delivery they touch, the events change those in memory,
 * and one bulk write stores each changed delivery once. An event a delivery already carries (its
 * version is that event's sequence number or later) changes nothing, and no write replaces a newer
 * version: a batch delivered again or a replay gives the same read model.
 */
final class DeliveryBatch {

    private static final Logger log = LoggerFactory.getLogger(DeliveryBatch.class);

    private record Step(String deliveryId, long sequence, Instant at, DeliveryDocument scheduled,
                        Consumer<DeliveryUpdate> change) {
    }

    private final List<Step> steps = new ArrayList<>();

    /** A delivery scheduled by the event with this sequence number. */
    void schedule(DeliveryDocument delivery) {
        steps.add(new Step(delivery.id(), delivery.version(), delivery.updatedAt(), delivery, null));
    }

    /** A change of a delivery by the event with this sequence number, at that event's time. */
    void change(String deliveryId, long sequence, Instant at, Consumer<DeliveryUpdate> change) {
        steps.add(new Step(deliveryId, sequence, at, null, change));
    }

    /** Applies and writes the batch; the deliveries it touched (changed or not), as they now are. */
    List<DeliveryDocument> write(ReactiveMongoTemplate mongo) {
        Set<String> ids = new LinkedHashSet<>();
        steps.forEach(step -> ids.add(step.deliveryId()));
        Map<String, DeliveryUpdate> deliveries = new LinkedHashMap<>();
        await(mongo.find(Query.query(Criteria.where("_id").in(ids)), DeliveryDocument.class).collectList())
                .forEach(stored -> deliveries.put(stored.id(), DeliveryUpdate.of(stored)));
        Set<String> touched = new LinkedHashSet<>();
        for (Step step : steps) {
            DeliveryUpdate delivery = deliveries.get(step.deliveryId());
            if (step.scheduled() != null) {
                if (delivery == null) {
                    deliveries.put(step.deliveryId(), DeliveryUpdate.created(step.scheduled()));
                } else if (delivery.version() < step.sequence()) {
                    delivery.replace(step.scheduled());
                }
            } else if (delivery == null) {
                log.warn("Delivery {} is missing from the read model at event {}; rebuild the projection",
                        step.deliveryId(), step.sequence());
                continue;
            } else if (delivery.version() < step.sequence()) {
                step.change().accept(delivery);
                delivery.at(step.sequence(), step.at());
            }
            touched.add(step.deliveryId());
        }
        store(mongo, deliveries.values());
        return touched.stream().map(id -> deliveries.get(id).toDocument()).toList();
    }

    private static void store(ReactiveMongoTemplate mongo, Iterable<DeliveryUpdate> deliveries) {
        ReactiveBulkOperations bulk = null;
        for (DeliveryUpdate delivery : deliveries) {
            if (!delivery.isChanged()) {
                continue;
            }
            if (bulk == null) {
                bulk = mongo.bulkOps(BulkOperations.BulkMode.UNORDERED, DeliveryDocument.class);
            }
            DeliveryDocument document = delivery.toDocument();
            if (delivery.isNew()) {
                bulk.insert(document);
            } else {
                bulk.updateOne(Query.query(Criteria.where("_id").is(document.id()).and("version").lt(document.version())),
                        delivery.update());
            }
        }
        if (bulk != null) {
            await(bulk.execute());
        }
    }
}
