package io.keyhook.server.admin;

import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.WriteModel;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoCollection;
import io.keyhook.query.common.ReadModelRebuilt;
import io.keyhook.server.infra.ReadModelBackend;
import io.keyhook.server.web.ApiProblem;
import org.axonframework.common.stream.BlockingStream;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.WrappedToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.SimpleReactiveMongoDatabaseFactory;
import org.springframework.data.mongodb.repository.support.ReactiveMongoRepositoryFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Rebuilds a read model that serves logins, keys or webhook routing without taking it away from
 * them. The group's projection runs aside, on a database of its own, through the event store while
 * the live projection goes on. Then the live processor is paused, the aside model catches up with
 * the live one's position, and each document that differs is written over the live one (missing
 * ones inserted, extra ones deleted): a reader sees every document either as it was or as rebuilt,
 * never missing. Caches of it are told ({@link ReadModelRebuilt}) before the live processor resumes.
 * Both projections are idempotent per event (versions), so events the aside projection took beyond
 * the live position change nothing when the live one takes them after the swap.
 * <p>The group must run in one segment on this instance (the embedded setup); one rebuild per group
 * at a time; remembered by this instance.
 */
@Component
class AsideRebuilds {

    private static final Logger log = LoggerFactory.getLogger(AsideRebuilds.class);
    /** How long the paused live projection waits for the aside one to reach its position. */
    private static final Duration CATCH_UP_LIMIT = Duration.ofSeconds(30);
    private static final Duration READ_LIMIT = Duration.ofMinutes(5);
    private static final int WRITE_BATCH = 500;

    private final ServingReadModels models;
    private final EventProcessingConfiguration processing;
    private final TokenStore tokens;
    private final TransactionManager transactions;
    private final EventStore eventStore;
    private final MongoClient mongoClient;
    private final ReactiveMongoTemplate live;
    private final ObjectProvider<ReadModelBackend> embeddedBackend;
    private final ApplicationEventPublisher publisher;
    private final Clock clock;
    private final Map<String, Rebuild> rebuilds = new ConcurrentHashMap<>();

    AsideRebuilds(ServingReadModels models, EventProcessingConfiguration processing, TokenStore tokens,
                  TransactionManager transactions, EventStore eventStore, MongoClient mongoClient,
                  ReactiveMongoTemplate live, ObjectProvider<ReadModelBackend> embeddedBackend,
                  ApplicationEventPublisher publisher, Clock clock) {
        this.models = models;
        this.processing = processing;
        this.tokens = tokens;
        this.transactions = transactions;
        this.eventStore = eventStore;
        this.mongoClient = mongoClient;
        this.live = live;
        this.embeddedBackend = embeddedBackend;
        this.publisher = publisher;
        this.clock = clock;
    }

    boolean rebuildsAside(String group) {
        return models.model(group).isPresent();
    }

    Set<String> groups() {
        return models.groups();
    }

    Mono<ReplayProgress> start(String organizationId, String group) {
        ServingReadModels.Model model = models.model(group).orElseThrow();
        return Mono.fromCallable(() -> begin(organizationId, model))
                .subscribeOn(Schedulers.boundedElastic())
                .doOnNext(rebuild -> Schedulers.boundedElastic().schedule(() -> run(rebuild, model)))
                .map(Rebuild::progress);
    }

    Optional<ReplayProgress> progress(String organizationId, String id) {
        return Optional.ofNullable(rebuilds.get(id)).filter(rebuild -> rebuild.organizationId.equals(organizationId))
                .map(Rebuild::progress);
    }

    /** The check for a running rebuild of the group and the claim are one step. */
    private synchronized Rebuild begin(String organizationId, ServingReadModels.Model model) {
        String group = model.group();
        if (rebuilds.values().stream().anyMatch(rebuild -> rebuild.group.equals(group) && !rebuild.done)) {
            throw ApiProblem.of(HttpStatus.CONFLICT, "replay-running", "Replay running",
                    "a replay of " + group + " is already running");
        }
        StreamingEventProcessor processor = processor(group);
        int segments = transactions.fetchInTransaction(() -> tokens.fetchSegments(group)).length;
        if (segments != 1 || processor.processingStatus().size() != 1) {
            throw ApiProblem.of(HttpStatus.CONFLICT, "rebuild-unavailable", "Rebuild unavailable",
                    group + " is projected in " + segments + " segments, " + processor.processingStatus().size()
                            + " of them on this instance; an aside rebuild needs the one segment here");
        }
        TrackingToken head = eventStore.createHeadToken();
        long total = head == null ? 0 : head.position().orElse(-1) + 1;
        Rebuild rebuild = new Rebuild(UUID.randomUUID().toString(), organizationId, group, clock.instant(), total);
        rebuilds.put(rebuild.id, rebuild);
        return rebuild;
    }

    private void run(Rebuild rebuild, ServingReadModels.Model model) {
        String asideDatabase = await(live.getMongoDatabase()).getName() + "-rebuild-" + model.group();
        ReactiveMongoTemplate aside = new ReactiveMongoTemplate(
                new SimpleReactiveMongoDatabaseFactory(mongoClient, asideDatabase), live.getConverter());
        try {
            dropCollections(aside, model);
            AnnotationEventHandlerAdapter projection =
                    new AnnotationEventHandlerAdapter(model.projection().apply(new ReactiveMongoRepositoryFactory(aside)));
            try (BlockingStream<TrackedEventMessage<?>> stream = eventStore.openStream(null)) {
                TrackingToken seen = null;
                while (rebuild.replayed < rebuild.total && stream.hasNextAvailable()) {
                    seen = apply(projection, stream.nextAvailable(), rebuild);
                }
                swap(model, aside, projection, stream, seen, rebuild);
            }
            rebuild.finish(null);
        } catch (Exception e) {
            log.warn("The aside rebuild of {} failed after {} events; the live read model was kept",
                    model.group(), rebuild.replayed, e);
            rebuild.finish("the rebuild stopped after " + rebuild.replayed
                    + " events and the live read model was kept: " + e.getMessage());
        } finally {
            try {
                dropCollections(aside, model);
            } catch (RuntimeException e) {
                log.warn("Could not drop the aside collections of {} in {}", model.group(), asideDatabase, e);
            }
        }
    }

    /** Pauses the live projection, catches the aside one up with it, and writes the differences over. */
    private void swap(ServingReadModels.Model model, ReactiveMongoTemplate aside,
                      AnnotationEventHandlerAdapter projection, BlockingStream<TrackedEventMessage<?>> stream,
                      TrackingToken seen, Rebuild rebuild) throws Exception {
        StreamingEventProcessor processor = processor(model.group());
        long changed = 0;
        long pausedAt = System.nanoTime();
        processor.shutDown();
        try {
            TrackingToken upTo = transactions.fetchInTransaction(() -> position(model.group()));
            long deadline = System.nanoTime() + CATCH_UP_LIMIT.toNanos();
            while (upTo != null && (seen == null || !seen.covers(upTo))) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !stream.hasNextAvailable((int) TimeUnit.NANOSECONDS.toMillis(left), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("the aside projection did not reach the live position in "
                            + CATCH_UP_LIMIT.toSeconds() + " s");
                }
                seen = apply(projection, stream.nextAvailable(), rebuild);
            }
            for (Class<?> type : model.documents()) {
                changed += copy(live.getCollectionName(type), aside);
            }
            embeddedBackend.ifAvailable(ReadModelBackend::commit);
            publisher.publishEvent(new ReadModelRebuilt(model.group()));
        } finally {
            processor.start();
        }
        log.info("Rebuilt {} aside through {} events; {} documents differed and were written over; the live"
                + " projection was paused for {} ms", model.group(), rebuild.replayed, changed,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - pausedAt));
    }

    private TrackingToken position(String group) {
        int[] segments = tokens.fetchSegments(group);
        if (segments.length != 1) {
            throw new IllegalStateException(group + " is now projected in " + segments.length + " segments");
        }
        TrackingToken position = tokens.fetchToken(group, segments[0]);
        tokens.releaseClaim(group, segments[0]);
        return WrappedToken.unwrapUpperBound(position);
    }

    private static TrackingToken apply(AnnotationEventHandlerAdapter projection, TrackedEventMessage<?> event,
                                       Rebuild rebuild) throws Exception {
        if (projection.canHandle(event)) {
            var result = DefaultUnitOfWork.startAndGet(event).executeWithResult(() -> projection.handle(event));
            if (result.isExceptional()) {
                throw new IllegalStateException("the projection failed on event " + event.getIdentifier(),
                        result.exceptionResult());
            }
        }
        rebuild.replayed = Math.max(rebuild.replayed, event.trackingToken().position().orElse(-1) + 1);
        return event.trackingToken();
    }

    /** Makes the live collection equal to the aside one, document by document; how many differed. */
    private long copy(String collection, ReactiveMongoTemplate aside) {
        MongoCollection<Document> from = await(aside.getCollection(collection));
        MongoCollection<Document> to = await(live.getCollection(collection));
        Map<Object, Document> rebuilt = new LinkedHashMap<>();
        Flux.from(from.find()).doOnNext(document -> rebuilt.put(document.get("_id"), document)).blockLast(READ_LIMIT);
        List<WriteModel<Document>> writes = new ArrayList<>();
        Flux.from(to.find()).doOnNext(current -> {
            Object id = current.get("_id");
            Document wanted = rebuilt.remove(id);
            if (wanted == null) {
                writes.add(new DeleteOneModel<>(Filters.eq("_id", id)));
            } else if (!wanted.equals(current)) {
                writes.add(new ReplaceOneModel<>(Filters.eq("_id", id), wanted));
            }
        }).blockLast(READ_LIMIT);
        rebuilt.values().forEach(document -> writes.add(new InsertOneModel<>(document)));
        for (int first = 0; first < writes.size(); first += WRITE_BATCH) {
            List<WriteModel<Document>> batch = writes.subList(first, Math.min(writes.size(), first + WRITE_BATCH));
            await(Mono.from(to.bulkWrite(batch, new BulkWriteOptions().ordered(false))));
        }
        return writes.size();
    }

    private static void dropCollections(ReactiveMongoTemplate aside, ServingReadModels.Model model) {
        for (Class<?> type : model.documents()) {
            await(aside.dropCollection(type).then(Mono.just(true)));
        }
    }

    private StreamingEventProcessor processor(String group) {
        return processing.eventProcessor(group, StreamingEventProcessor.class)
                .orElseThrow(() -> new IllegalStateException("no processor for " + group));
    }

    private static <T> T await(Mono<T> mono) {
        return mono.block(READ_LIMIT);
    }

    /** Written by the rebuild's thread, read by progress requests. */
    private static final class Rebuild {
        private final String id;
        private final String organizationId;
        private final String group;
        private final Instant startedAt;
        private final long total;
        private volatile long replayed;
        private volatile boolean done;
        private volatile String failure;

        Rebuild(String id, String organizationId, String group, Instant startedAt, long total) {
            this.id = id;
            this.organizationId = organizationId;
            this.group = group;
            this.startedAt = startedAt;
            this.total = total;
        }

        void finish(String failure) {
            this.failure = failure;
            this.done = true;
        }

        ReplayProgress progress() {
            long ofTotal = Math.max(total, replayed);
            return new ReplayProgress(id, group, startedAt, done && failure == null ? ofTotal : replayed, ofTotal,
                    done, failure);
        }
    }
}
