package io.keyhook.server.admin;

import io.keyhook.server.web.ApiProblem;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.UnableToClaimTokenException;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Rebuilds a projection from the event store: stops its processor, resets its tokens (the
 * projection's reset handler empties its read model), and starts it again; it then catches up in
 * the background. Only processors that support a reset qualify, so sagas, which must not act on old
 * events again, can never be replayed. Replays are remembered by this instance only.
 * <p>Groups that serve logins, key authentication or webhook routing are never emptied: emptying
 * them would refuse valid logins and keys, or drop events for good, until the rebuild ends. They
 * are rebuilt aside and swapped in ({@link AsideRebuilds}). One replay per group at a time.
 */
@Component
public class Replays {

    private record Replay(String id, String organizationId, String group, Instant startedAt, long total) {
    }

    private final EventProcessingConfiguration processing;
    private final EventStore eventStore;
    private final AsideRebuilds aside;
    private final Clock clock;
    private final Map<String, Replay> replays = new ConcurrentHashMap<>();

    public Replays(EventProcessingConfiguration processing, EventStore eventStore, AsideRebuilds aside, Clock clock) {
        this.processing = processing;
        this.eventStore = eventStore;
        this.aside = aside;
        this.clock = clock;
    }

    Mono<ReplayProgress> start(String organizationId, String group) {
        if (aside.rebuildsAside(group)) {
            return aside.start(organizationId, group);
        }
        StreamingEventProcessor processor = replayable(group).orElseThrow(() -> ApiProblem.invalidField(
                "processingGroup", "must be one of: " + String.join(", ", replayableGroups())));
        return Mono.fromCallable(() -> {
            // The check and the claim are one step, so two requests cannot both start a replay of a group.
            synchronized (this) {
                if (replays.values().stream().anyMatch(replay -> replay.group().equals(group)
                        && !isDone(replay, processor))) {
                    throw ApiProblem.of(HttpStatus.CONFLICT, "replay-running", "Replay running",
                            "a replay of " + group + " is already running");
                }
                TrackingToken head = eventStore.createHeadToken();
                long total = head == null ? 0 : head.position().orElse(-1) + 1;
                Replay replay = new Replay(UUID.randomUUID().toString(), organizationId, group, clock.instant(), total);
                processor.shutDown();
                try {
                    processor.resetTokens();
                } catch (UnableToClaimTokenException heldElsewhere) {
                    throw ApiProblem.of(HttpStatus.CONFLICT, "replay-unavailable", "Replay unavailable",
                            "another instance processes " + group + " now; a replay needs every segment of it here,"
                                    + " try again on that instance or once it is stopped");
                } finally {
                    processor.start();
                }
                replays.put(replay.id(), replay);
                return progress(replay, processor);
            }
        }).subscribeOn(Schedulers.boundedElastic());
    }

    Optional<ReplayProgress> progress(String organizationId, String id) {
        return Optional.ofNullable(replays.get(id))
                .filter(replay -> replay.organizationId().equals(organizationId))
                .flatMap(replay -> replayable(replay.group()).map(processor -> progress(replay, processor)))
                .or(() -> aside.progress(organizationId, id));
    }

    private ReplayProgress progress(Replay replay, StreamingEventProcessor processor) {
        Collection<EventTrackerStatus> statuses = processor.processingStatus().values();
        long position = statuses.stream().map(EventTrackerStatus::getCurrentPosition)
                .mapToLong(current -> current.orElse(-1)).min().orElse(-1);
        boolean done = isDone(replay, processor);
        long replayed = done ? replay.total() : Math.min(replay.total(), position + 1);
        return new ReplayProgress(replay.id(), replay.group(), replay.startedAt(), replayed, replay.total(), done);
    }

    private static boolean isDone(Replay replay, StreamingEventProcessor processor) {
        Collection<EventTrackerStatus> statuses = processor.processingStatus().values();
        // Position, not the replaying flag: a replay token only turns back into a plain one at the first
        // event after the reset point, which on a quiet store may take a long time to come.
        return !statuses.isEmpty()
                && statuses.stream().allMatch(status -> status.getCurrentPosition().orElse(-1) + 1 >= replay.total());
    }

    private Optional<StreamingEventProcessor> replayable(String group) {
        return processing.eventProcessor(group, StreamingEventProcessor.class)
                .filter(StreamingEventProcessor::supportsReset)
                .filter(processor -> !aside.rebuildsAside(processor.getName()));
    }

    /** Every group a replay may rebuild: those that can be reset, and those rebuilt aside. */
    List<String> replayableGroups() {
        Stream<String> resettable = processing.eventProcessors().values().stream()
                .filter(StreamingEventProcessor.class::isInstance)
                .map(StreamingEventProcessor.class::cast)
                .filter(StreamingEventProcessor::supportsReset)
                .map(StreamingEventProcessor::getName);
        return Stream.concat(resettable, aside.groups().stream()).distinct().sorted().collect(Collectors.toList());
    }
}
