package io.keyhook.query.common;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.mongodb.core.BulkOperations;
import org.springframework.data.mongodb.core.ReactiveBulkOperations;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import static io.keyhook.query.common.Blocking.await;

/**
 * The changes one event-processing batch makes to documents of one collection, in event order,
 * applied together: one {@code $in} find loads every document they touch, the changes apply in
 * memory, and one bulk write stores each changed document once. An event a document already carries
 * (its version is that event's sequence number or later) changes nothing, and no write replaces a
 * newer version: a batch handled again, or a replay, gives the same read model.
 */
public final class VersionedBatch<D extends Versioned> {

    private static final Logger log = LoggerFactory.getLogger(VersionedBatch.class);

    /** A document created by an event ({@code created}), or a change to one (which sets its version). */
    private record Step<D>(String id, long sequence, D created, UnaryOperator<D> change) {
    }

    private final Class<D> type;
    private final Function<D, String> idOf;
    private final List<Step<D>> steps = new ArrayList<>();

    public VersionedBatch(Class<D> type, Function<D, String> idOf) {
        this.type = type;
        this.idOf = idOf;
    }

    /** The document as the event that created it left it; its version is that event's sequence number. */
    public void create(D document) {
        steps.add(new Step<>(idOf.apply(document), document.version(), document, null));
    }

    /** A change by the event with this sequence number; the change sets the document's version to it. */
    public void change(String id, long sequence, UnaryOperator<D> change) {
        steps.add(new Step<>(id, sequence, null, change));
    }

    /** Applies and writes the batch; every document it touched (changed or not), as it now is. */
    public List<D> write(ReactiveMongoTemplate mongo) {
        if (steps.isEmpty()) {
            return List.of();
        }
        Set<String> ids = new LinkedHashSet<>();
        steps.forEach(step -> ids.add(step.id()));
        Map<String, D> documents = new LinkedHashMap<>();
        await(mongo.find(Query.query(Criteria.where("_id").in(ids)), type).collectList())
                .forEach(stored -> documents.put(idOf.apply(stored), stored));
        Set<String> stored = new HashSet<>(documents.keySet());
        Set<String> changed = new LinkedHashSet<>();
        Set<String> touched = new LinkedHashSet<>();
        for (Step<D> step : steps) {
            D document = documents.get(step.id());
            if (document != null && document.version() >= step.sequence()) {
                touched.add(step.id());
                continue;
            }
            if (step.created() != null) {
                documents.put(step.id(), step.created());
            } else if (document == null) {
                log.warn("Document {} is missing from the read model at event {}; rebuild the projection",
                        step.id(), step.sequence());
                continue;
            } else {
                documents.put(step.id(), step.change().apply(document));
            }
            changed.add(step.id());
            touched.add(step.id());
        }
        store(mongo, changed.stream().map(documents::get).toList(), stored);
        return touched.stream().map(documents::get).toList();
    }

    private void store(ReactiveMongoTemplate mongo, List<D> changed, Set<String> stored) {
        if (changed.isEmpty()) {
            return;
        }
        ReactiveBulkOperations bulk = mongo.bulkOps(BulkOperations.BulkMode.UNORDERED, type);
        for (D document : changed) {
            String id = idOf.apply(document);
            if (stored.contains(id)) {
                bulk.replaceOne(Query.query(Criteria.where("_id").is(id).and("version").lt(document.version())),
                        document);
            } else {
                bulk.insert(document);
            }
        }
        await(bulk.execute());
    }
}
