package io.keyhook.server.apikey;

import io.keyhook.api.apikey.ApiKeyUsageRecorded;
import io.keyhook.query.apikey.UsageProjection;
import io.keyhook.server.web.ApiProblem;
import org.axonframework.common.stream.BlockingStream;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rebuilds one key's usage audit from the event store, for the organization that owns the key,
 * while the live projection goes on. The projection is paused only while its position is read and
 * the key's read model emptied: from there the live projection writes what comes after that
 * position and the rebuild what came up to it, each attempt exactly once, the same way
 * ({@link UsageProjection#project}). One rebuild per key at a time; remembered by this instance.
 */
@Component
public class UsageRebuilds {

    private static final Logger log = LoggerFactory.getLogger(UsageRebuilds.class);
    private static final int BATCH = 500;

    private final EventProcessingConfiguration processing;
    private final TokenStore tokens;
    private final TransactionManager transactions;
    private final EventStore eventStore;
    private final UsageProjection usage;
    private final Clock clock;
    private final Map<String, UsageRebuild> rebuilds = new ConcurrentHashMap<>();

    public UsageRebuilds(EventProcessingConfiguration processing, TokenStore tokens, TransactionManager transactions,
                         EventStore eventStore, UsageProjection usage, Clock clock) {
        this.processing = processing;
        this.tokens = tokens;
        this.transactions = transactions;
        this.eventStore = eventStore;
        this.usage = usage;
        this.clock = clock;
    }

    private record Started(UsageRebuild rebuild, TrackingToken upTo) {
    }

    Mono<UsageRebuild> start(String keyId) {
        return Mono.fromCallable(() -> begin(keyId)).subscribeOn(Schedulers.boundedElastic())
                .doOnNext(started -> Mono.fromRunnable(() -> rebuild(started.rebuild(), started.upTo()))
                        .subscribeOn(Schedulers.boundedElastic()).subscribe())
                .map(Started::rebuild);
    }

    Optional<UsageRebuild> progress(String keyId, String id) {
        return Optional.ofNullable(rebuilds.get(id)).filter(rebuild -> rebuild.keyId().equals(keyId));
    }

    /** Checking for a running rebuild and pausing the projection are one step. */
    private synchronized Started begin(String keyId) {
        if (rebuilds.values().stream().anyMatch(rebuild -> rebuild.keyId().equals(keyId) && !rebuild.done())) {
            throw ApiProblem.of(HttpStatus.CONFLICT, "rebuild-running", "Rebuild running",
                    "this key's usage audit is being rebuilt already");
        }
        StreamingEventProcessor processor = processing.eventProcessor(UsageProjection.GROUP,
                StreamingEventProcessor.class).orElseThrow(() -> new IllegalStateException("no usage projection"));
        if (processor.isReplaying()) {
            throw ApiProblem.of(HttpStatus.CONFLICT, "replay-running", "Replay running",
                    "the whole usage audit is being replayed; this key's is rebuilt with it");
        }
        processor.shutDown();
        TrackingToken upTo;
        try {
            upTo = transactions.fetchInTransaction(this::position);
            usage.forget(keyId);
        } finally {
            processor.start();
        }
        UsageRebuild rebuild = new UsageRebuild(UUID.randomUUID().toString(), keyId, clock.instant(), 0, false, null);
        rebuilds.put(rebuild.id(), rebuild);
        return new Started(rebuild, upTo);
    }

    /** Where the (stopped) projection stands; it runs in one segment in the embedded setup. */
    private TrackingToken position() {
        int[] segments = tokens.fetchSegments(UsageProjection.GROUP);
        if (segments.length != 1) {
            throw ApiProblem.of(HttpStatus.CONFLICT, "rebuild-unavailable", "Rebuild unavailable",
                    "the usage audit is projected in " + segments.length + " segments; rebuild it with a replay");
        }
        TrackingToken position = tokens.fetchToken(UsageProjection.GROUP, segments[0]);
        tokens.releaseClaim(UsageProjection.GROUP, segments[0]);
        return position;
    }

    /** Writes the key's attempts up to {@code upTo} (none if the projection had not begun). */
    private void rebuild(UsageRebuild started, TrackingToken upTo) {
        long written = 0;
        String failure = null;
        try (BlockingStream<TrackedEventMessage<?>> stream = eventStore.openStream(null)) {
            List<EventMessage<ApiKeyUsageRecorded>> batch = new ArrayList<>(BATCH);
            while (upTo != null && stream.hasNextAvailable()) {
                TrackedEventMessage<?> event = stream.nextAvailable();
                TrackingToken at = event.trackingToken();
                if (!upTo.covers(at)) {
                    if (at.position().orElse(0) > upTo.position().orElse(0)) {
                        break;
                    }
                    continue; // a gap at the projection's position: the live projection takes it when it fills
                }
                if (ApiKeyUsageRecorded.class.equals(event.getPayloadType())
                        && started.keyId().equals(((ApiKeyUsageRecorded) event.getPayload()).keyId())) {
                    batch.add(new GenericEventMessage<>(event.getIdentifier(), (ApiKeyUsageRecorded) event.getPayload(),
                            event.getMetaData(), event.getTimestamp()));
                    if (batch.size() == BATCH) {
                        written += write(started, batch, written);
                    }
                }
            }
            written += write(started, batch, written);
        } catch (Exception e) {
            log.warn("Rebuilding the usage audit of key {} failed after {} entries", started.keyId(), written, e);
            failure = "the rebuild stopped after " + written + " entries; start it again";
        }
        rebuilds.put(started.id(), new UsageRebuild(started.id(), started.keyId(), started.startedAt(), written, true,
                failure));
    }

    private long write(UsageRebuild started, List<EventMessage<ApiKeyUsageRecorded>> batch, long before) {
        if (batch.isEmpty()) {
            return 0;
        }
        int size = batch.size();
        usage.project(List.copyOf(batch));
        batch.clear();
        rebuilds.put(started.id(), new UsageRebuild(started.id(), started.keyId(), started.startedAt(), before + size,
                false, null));
        return size;
    }
}
