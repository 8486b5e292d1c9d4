package io.keyhook.query.apikey;

import io.keyhook.api.apikey.ApiKeyUsageRecorded;
import io.keyhook.api.apikey.DailyUsage;
import io.keyhook.api.apikey.FindApiKeyUsage;
import io.keyhook.api.apikey.FindDailyUsage;
import io.keyhook.api.apikey.UsagePage;
import org.bson.Document;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import static io.keyhook.query.common.Blocking.await;

/**
 * The usage audit of keys: every attempt, per-day counts by reason, and when each key was last
 * allowed through. Attempts arrive in large numbers, so the handler only gathers them and the batch
 * is written when its unit of work commits: one find and one insert for the entries, one write per
 * key-day and per key. Every write is idempotent (an entry's id is its event's, an attempt is counted
 * only when its entry is first stored, the latest use wins), so a batch delivered again or a replay
 * gives the same read model.
 */
@Component
@ProcessingGroup(UsageProjection.GROUP)
public class UsageProjection {

    public static final String GROUP = "api-key-usage";
    private static final String BATCH = UsageProjection.class.getName() + ".batch";
    private static final Sort NEWEST_FIRST = Sort.by(Sort.Order.desc("at"), Sort.Order.desc("id"));

    private final ReactiveMongoTemplate mongo;
    private final DailyUsageRepository daily;

    public UsageProjection(ReactiveMongoTemplate mongo, DailyUsageRepository daily) {
        this.mongo = mongo;
        this.daily = daily;
    }

    @EventHandler
    void on(ApiKeyUsageRecorded event, EventMessage<?> message) {
        currentBatch().add(message.getIdentifier(), event);
    }

    /** Drops the collections: far cheaper than removing their documents one by one, and nothing else is in them. */
    @ResetHandler
    void reset() {
        await(mongo.dropCollection(UsageDocument.class)
                .then(mongo.dropCollection(DailyUsageDocument.class))
                .then(mongo.dropCollection(LastUseDocument.class)));
    }

    /** Removes one key's audit (entries, daily counts, last use), to be rebuilt with {@link #project}. */
    public void forget(String keyId) {
        Query ofKey = Query.query(Criteria.where("keyId").is(keyId));
        await(mongo.remove(ofKey, UsageDocument.class)
                .then(mongo.remove(ofKey, DailyUsageDocument.class))
                .then(mongo.remove(Query.query(Criteria.where("_id").is(keyId)), LastUseDocument.class)));
    }

    /** Writes attempts read again from the event store exactly as the live projection writes a batch. */
    public void project(List<EventMessage<ApiKeyUsageRecorded>> attempts) {
        UsageBatch batch = new UsageBatch();
        attempts.forEach(attempt -> batch.add(attempt.getIdentifier(), attempt.getPayload()));
        write(batch);
    }

    private UsageBatch currentBatch() {
        UnitOfWork<?> unitOfWork = CurrentUnitOfWork.get();
        return unitOfWork.root().getOrComputeResource(BATCH, key -> {
            UsageBatch batch = new UsageBatch();
            unitOfWork.root().onPrepareCommit(committing -> write(batch));
            return batch;
        });
    }

    private void write(UsageBatch batch) {
        Set<String> stored = batch.entries.isEmpty() ? Set.of() : insertNew(batch.entries);
        batch.daily.forEach((dayOfKey, attempts) -> count(dayOfKey, attempts, stored));
        batch.lastUse.forEach((keyId, use) -> await(mongo.upsert(Query.query(Criteria.where("_id").is(keyId)),
                new Update().setOnInsert("organizationId", use.organizationId()).max("lastUsedAt", use.at()),
                LastUseDocument.class)));
    }

    /**
     * Inserts the entries that are not stored yet (a batch handled again after a crash has some or
     * all of them already) and answers the ids of those that were.
     */
    private Set<String> insertNew(List<UsageDocument> entries) {
        Set<String> ids = entries.stream().map(UsageDocument::id).collect(Collectors.toSet());
        Query existing = Query.query(Criteria.where("_id").in(ids));
        existing.fields().include("_id");
        Set<String> stored = new HashSet<>();
        await(mongo.find(existing, Document.class, mongo.getCollectionName(UsageDocument.class)).collectList())
                .forEach(document -> stored.add(document.getString("_id")));
        List<UsageDocument> fresh = entries.stream().filter(entry -> !stored.contains(entry.id())).toList();
        if (!fresh.isEmpty()) {
            await(mongo.insert(fresh, UsageDocument.class).then());
        }
        return stored;
    }

    /** Adds the attempts whose entries were not stored before this batch to the key's counts of the day. */
    private void count(UsageBatch.DayOfKey dayOfKey, List<UsageBatch.Counted> attempts, Set<String> storedBefore) {
        Map<String, Long> added = new HashMap<>();
        attempts.stream().filter(attempt -> !storedBefore.contains(attempt.entryId()))
                .forEach(attempt -> added.merge(attempt.reason(), 1L, Long::sum));
        if (added.isEmpty()) {
            return;
        }
        Update update = new Update().setOnInsert("keyId", dayOfKey.keyId())
                .setOnInsert("organizationId", dayOfKey.organizationId())
                .setOnInsert("day", dayOfKey.day().toString());
        added.forEach((reason, count) -> update.inc("counts." + reason, count));
        await(mongo.upsert(Query.query(Criteria.where("_id").is(DailyUsageDocument.idOf(dayOfKey.keyId(),
                dayOfKey.day()))), update, DailyUsageDocument.class));
    }

    @QueryHandler
    CompletableFuture<UsagePage> handle(FindApiKeyUsage query) {
        Criteria criteria = Criteria.where("keyId").is(query.keyId()).and("organizationId").is(query.organizationId());
        if (query.from() != null || query.to() != null) {
            Criteria at = criteria.and("at");
            if (query.from() != null) {
                at.gte(query.from());
            }
            if (query.to() != null) {
                at.lt(query.to());
            }
        }
        if (query.outcome() != null) {
            criteria.and("outcome").is(query.outcome());
        }
        Query filter = Query.query(criteria);
        Query page = Query.query(criteria).with(NEWEST_FIRST).skip((long) query.page() * query.size())
                .limit(query.size());
        return mongo.find(page, UsageDocument.class)
                .map(UsageDocument::toEntry)
                .collectList()
                .zipWith(mongo.count(filter, UsageDocument.class))
                .map(result -> new UsagePage(result.getT1(), query.page(), query.size(), result.getT2()))
                .toFuture();
    }

    @QueryHandler
    CompletableFuture<List<DailyUsage>> handle(FindDailyUsage query) {
        return daily.findByKeyIdAndOrganizationId(query.keyId(), query.organizationId(), Sort.by("day"))
                .map(DailyUsageDocument::toDailyUsage)
                .collectList()
                .toFuture();
    }
}
