package io.keyhook.server.infra.cluster;

import io.keyhook.query.common.BatchResources;
import io.keyhook.query.common.Republishing;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventMessageHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Follows, on this instance, the events one projection handles, wherever it handles them: after
 * each batch it waits until the read model holds every document the batch changed (its version
 * has reached the batch's newest event for it), then has the projection push those documents to
 * this instance's subscribers ({@link Republishing}). A projection that lags longer than
 * {@link #PATIENCE} (its instance died and the segment is not taken over yet) is pushed as it is.
 * Skipped while this instance projects every segment of the group itself: it pushed already.
 */
final class ProjectionFollower implements EventMessageHandler {

    private static final Logger log = LoggerFactory.getLogger(ProjectionFollower.class);
    static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final long FIRST_WAIT_NANOS = Duration.ofMillis(2).toNanos();
    private static final long LONGEST_WAIT_NANOS = Duration.ofMillis(50).toNanos();

    private final Republishing projection;
    private final AnnotationEventHandlerAdapter handles;
    private final BooleanSupplier projectedHere;
    private final String batchKey;

    ProjectionFollower(Republishing projection, BooleanSupplier projectedHere) {
        this.projection = projection;
        this.handles = new AnnotationEventHandlerAdapter(projection);
        this.projectedHere = projectedHere;
        this.batchKey = ProjectionFollower.class.getName() + "." + projection.processingGroup();
    }

    String group() {
        return projection.processingGroup();
    }

    @Override
    public boolean canHandle(EventMessage<?> event) {
        return event instanceof DomainEventMessage<?> && handles.canHandle(event);
    }

    @Override
    public Class<?> getTargetType() {
        return projection.getClass();
    }

    @Override
    public Object handle(EventMessage<?> event) {
        if (event instanceof DomainEventMessage<?> domain && !projectedHere.getAsBoolean()) {
            BatchResources.<Map<String, Long>>add(batchKey, HashMap::new, this::republish,
                    wanted -> wanted.merge(domain.getAggregateIdentifier(), domain.getSequenceNumber(), Math::max));
        }
        return null;
    }

    private void republish(Map<String, Long> wanted) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        long wait = FIRST_WAIT_NANOS;
        Set<String> behind = projection.republish(wanted);
        while (!behind.isEmpty()) {
            if (System.nanoTime() > deadline) {
                log.warn("{} has not projected {} documents after {} s; pushing them as they are",
                        projection.processingGroup(), behind.size(), PATIENCE.toSeconds());
                Map<String, Long> asTheyAre = new HashMap<>();
                behind.forEach(id -> asTheyAre.put(id, Long.MIN_VALUE));
                projection.republish(asTheyAre);
                return;
            }
            LockSupport.parkNanos(wait);
            wait = Math.min(LONGEST_WAIT_NANOS, wait * 2);
            Map<String, Long> still = new HashMap<>(wanted);
            still.keySet().retainAll(behind);
            behind = projection.republish(still);
        }
    }
}
