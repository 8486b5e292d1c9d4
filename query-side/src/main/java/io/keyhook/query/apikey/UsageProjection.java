package io.keyhook.query.apikey;

import io.keyhook.api.apikey.ApiKeyUsageRecorded;
import io.keyhook.api.apikey.DailyUsage;
import io.keyhook.api.apikey.FindApiKeyUsage;
import io.keyhook.api.apikey.FindDailyUsage;
import io.keyhook.api.apikey.UsagePage;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.BulkOperations;
import org.springframework.data.mongodb.core.FindAndReplaceOptions;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.keyhook.query.common.Blocking.await;

/**
 * The usage audit of keys: every attempt, per-day counts by reason, and when each key was last
 * allowed through. Attempts arrive in large numbers, so the handler only gathers them and the batch
 * is written when its unit of work commits: one bulk upsert for the entries, one write per key-day
 * and per key. Every write is idempotent (upsert by event id, position-guarded counts, latest-wins
 * last use), so a batch delivered again or a replay gives the same read model.
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
    void on(ApiKeyUsageRecorded event, EventMessage<?> message, TrackingToken token) {
        long position = token == null ? Long.MAX_VALUE : token.position().orElse(Long.MAX_VALUE);
        currentBatch().add(message.getIdentifier(), event, position);
    }

    /** Drops the collections: far cheaper than removing their documents one by one, and nothing else is in them. */
    @ResetHandler
    void reset() {
        await(mongo.dropCollection(UsageDocument.class)
                .then(mongo.dropCollection(DailyUsageDocument.class))
                .then(mongo.dropCollection(LastUseDocument.class)));
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
        if (!batch.entries.isEmpty()) {
            insertOrReplace(batch.entries);
        }
        batch.daily.forEach(this::count);
        batch.lastUse.forEach((keyId, use) -> await(mongo.upsert(Query.query(Criteria.where("_id").is(keyId)),
                new Update().setOnInsert("organizationId", use.organizationId()).max("lastUsedAt", use.at()),
                LastUseDocument.class)));
    }

    /** A plain insert is the cheap common case; entries seen before (a redelivered batch) are upserted instead. */
    private void insertOrReplace(List<UsageDocument> entries) {
        try {
            await(mongo.insert(entries, UsageDocument.class).then());
        } catch (DuplicateKeyException seenBefore) {
            var bulk = mongo.bulkOps(BulkOperations.BulkMode.UNORDERED, UsageDocument.class);
            entries.forEach(entry -> bulk.replaceOne(Query.query(Criteria.where("_id").is(entry.id())), entry,
                    FindAndReplaceOptions.options().upsert()));
            await(bulk.execute());
        }
    }

    private void count(UsageBatch.DayOfKey dayOfKey, List<UsageBatch.Counted> attempts) {
        String id = DailyUsageDocument.idOf(dayOfKey.keyId(), dayOfKey.day());
        DailyUsageDocument existing = await(daily.findById(id));
        long counted = existing == null ? -1 : existing.lastPosition();
        Map<String, Long> counts = existing == null ? new HashMap<>() : new HashMap<>(existing.counts());
        long last = counted;
        for (UsageBatch.Counted attempt : attempts) {
            if (attempt.position() > counted) {
                counts.merge(attempt.reason(), 1L, Long::sum);
                last = Math.max(last, attempt.position());
            }
        }
        if (last != counted) {
            await(daily.save(new DailyUsageDocument(id, dayOfKey.keyId(), dayOfKey.organizationId(),
                    dayOfKey.day().toString(), counts, last)));
        }
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
