package io.keyhook.server.apikey;

import io.keyhook.api.apikey.ApiKeyUsageRecorded;
import io.keyhook.server.infra.KeyhookProperties;
import org.axonframework.eventhandling.EventBus;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Appends usage events to the event store with group commit: one writer thread takes whatever
 * attempts are waiting, appends them in one batch (one transaction), and only then releases every
 * request of the batch. Under load a batch holds many attempts, so auditing every request costs one
 * append per batch rather than one per request. A failed append fails every request of its batch.
 * <p>A request waits at most {@code keyhook.api-keys.audit-timeout} for its append; past it, it is
 * refused (and may still be audited: the audit over-reports, never under-reports). Whatever goes
 * wrong in an append, an {@link Error} included, fails that batch only: the writer goes on, and a
 * writer thread that dies anyway is replaced.
 */
@Component
public class UsageAuditLog implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(UsageAuditLog.class);
    private static final int MAX_BATCH = 1_000;

    private record Pending(EventMessage<ApiKeyUsageRecorded> event, MonoSink<Void> waiting) {
    }

    private final EventBus eventStore;
    private final BlockingQueue<Pending> queue;
    private final Duration timeout;
    private volatile boolean running;
    private volatile Thread writer;

    @Autowired
    public UsageAuditLog(EventBus eventStore, KeyhookProperties properties) {
        this(eventStore, properties.apiKeys().auditQueueCapacity(), properties.apiKeys().auditTimeout());
    }

    UsageAuditLog(EventBus eventStore, int queueCapacity, Duration timeout) {
        this.eventStore = eventStore;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.timeout = timeout;
    }

    /** Completes once the attempt is durably in the event store; fails if it could not be appended. */
    public Mono<Void> record(ApiKeyUsageRecorded attempt) {
        return Mono.<Void>create(waiting -> {
            if (!running) {
                waiting.error(new AuditUnavailableException("the audit log is not running", null));
            } else if (!queue.offer(new Pending(GenericEventMessage.asEventMessage(attempt), waiting))) {
                waiting.error(new AuditUnavailableException("the audit queue is full", null));
            }
        }).timeout(timeout, Mono.error(() -> new AuditUnavailableException("the audit append took longer than "
                + timeout.toMillis() + " ms", null)));
    }

    private void writeBatches() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                append(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void append(List<Pending> batch) {
        long started = System.nanoTime();
        try {
            eventStore.publish(batch.stream().<EventMessage<?>>map(Pending::event).toList());
            if (log.isDebugEnabled()) {
                log.debug("Appended {} usage events in {} µs", batch.size(), (System.nanoTime() - started) / 1_000);
            }
        } catch (RuntimeException | Error e) {
            log.error("Could not append {} usage audit events; their requests are refused: {}", batch.size(),
                    e.toString());
            batch.forEach(pending -> pending.waiting().error(new AuditUnavailableException("append failed", e)));
            return;
        }
        batch.forEach(pending -> pending.waiting().success());
    }

    @Override
    public void start() {
        running = true;
        startWriter();
    }

    private void startWriter() {
        Thread thread = new Thread(this::writeBatches, "usage-audit-writer");
        thread.setDaemon(true);
        thread.setUncaughtExceptionHandler((dead, failure) -> {
            log.error("The usage audit writer died; starting a new one", failure);
            if (running) {
                startWriter();
            }
        });
        writer = thread;
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        Thread current = writer;
        if (current == null) {
            return;
        }
        try {
            current.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(pending -> pending.waiting().error(new AuditUnavailableException("shutting down", null)));
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Starts before and stops after the web server, so no request waits on a stopped writer. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }
}
