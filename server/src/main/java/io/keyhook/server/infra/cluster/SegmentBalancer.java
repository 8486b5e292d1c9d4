package io.keyhook.server.infra.cluster;

import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Shares the event processors' segments among the instances on one database. Each instance
 * writes a heartbeat ({@code cluster_members}); every few seconds it counts the live ones and, if it
 * holds more segments than its fair share (all segments of all processors, divided by the live
 * instances, rounded up), lets go of the surplus for a while so that another one claims them.
 * The first instance to start claims everything; the next ones get their share within seconds; a
 * dead one's segments are claimed by the others once its claims expire. Followers are not shared:
 * each instance runs its own. Without the PostgreSQL store (Axon Server balances its own) it does nothing.
 */
@Component
@ConditionalOnProperty(name = "keyhook.cluster.enabled", havingValue = "true")
public class SegmentBalancer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SegmentBalancer.class);
    static final Duration HEARTBEAT = Duration.ofSeconds(2);
    static final Duration ALIVE_WITHIN = Duration.ofSeconds(6);
    /** How long a released segment is left to the others before this instance would take it again. */
    private static final Duration LEAVE_FOR = Duration.ofSeconds(30);
    private static final int BALANCE_EVERY_HEARTBEATS = 2;

    private final String instanceId;
    private final JdbcTemplate jdbc;
    private final boolean shared;
    private final EventProcessingConfiguration processing;
    private final TokenStore tokens;
    private final TransactionManager transactions;
    private volatile ScheduledExecutorService timer;
    private volatile int beats;

    public SegmentBalancer(ObjectProvider<DataSource> dataSource, EventProcessingConfiguration processing,
                           TokenStore tokens, TransactionManager transactions, ObjectProvider<InstanceId> instance) {
        this.instanceId = instance.getIfAvailable(InstanceId::create).value();
        DataSource database = dataSource.getIfAvailable();
        this.shared = database != null;
        this.jdbc = shared ? new JdbcTemplate(database) : null;
        this.processing = processing;
        this.tokens = tokens;
        this.transactions = transactions;
    }

    @Override
    public void start() {
        if (!shared) {
            return;
        }
        ScheduledExecutorService started = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "segment-balancer");
            thread.setDaemon(true);
            return thread;
        });
        started.scheduleWithFixedDelay(this::beat, 0, HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
        timer = started;
    }

    private void beat() {
        try {
            jdbc.update("INSERT INTO cluster_members (instance_id, started_at, last_seen) VALUES (?, now(), now())"
                    + " ON CONFLICT (instance_id) DO UPDATE SET last_seen = now()", instanceId);
            if (++beats % BALANCE_EVERY_HEARTBEATS == 0) {
                balance(liveInstances());
            }
        } catch (RuntimeException e) {
            log.warn("Cluster heartbeat or balancing failed; trying again in {} s", HEARTBEAT.toSeconds(), e);
        }
    }

    int liveInstances() {
        Integer live = jdbc.queryForObject("SELECT count(*) FROM cluster_members WHERE last_seen > now() - ?::interval",
                Integer.class, ALIVE_WITHIN.toSeconds() + " seconds");
        return live == null ? 1 : Math.max(1, live);
    }

    private void balance(int live) {
        List<StreamingEventProcessor> shared = processing.eventProcessors().values().stream()
                .filter(StreamingEventProcessor.class::isInstance).map(StreamingEventProcessor.class::cast)
                .filter(processor -> !processor.getName().startsWith(ProjectionFollowersConfig.PREFIX))
                .filter(StreamingEventProcessor::isRunning)
                .sorted(Comparator.comparing(StreamingEventProcessor::getName))
                .toList();
        int total = transactions.fetchInTransaction(() -> shared.stream()
                .mapToInt(processor -> tokens.fetchSegments(processor.getName()).length).sum());
        int held = shared.stream().mapToInt(processor -> processor.processingStatus().size()).sum();
        int fair = (total + live - 1) / live;
        int surplus = held - fair;
        for (StreamingEventProcessor processor : shared) {
            for (Integer segment : List.copyOf(processor.processingStatus().keySet())) {
                if (surplus <= 0) {
                    return;
                }
                log.info("{} live instances share {} segments; this one holds {} and leaves segment {} of {} to the"
                        + " others", live, total, held, segment, processor.getName());
                processor.releaseSegment(segment, LEAVE_FOR.toMillis(), TimeUnit.MILLISECONDS);
                surplus--;
            }
        }
    }

    @Override
    public void stop() {
        ScheduledExecutorService running = timer;
        timer = null;
        if (running == null) {
            return;
        }
        running.shutdownNow();
        try {
            jdbc.update("DELETE FROM cluster_members WHERE instance_id = ? OR last_seen < now() - interval '1 hour'",
                    instanceId);
        } catch (RuntimeException e) {
            log.debug("Could not remove this instance from cluster_members", e);
        }
    }

    @Override
    public boolean isRunning() {
        return timer != null;
    }
}
