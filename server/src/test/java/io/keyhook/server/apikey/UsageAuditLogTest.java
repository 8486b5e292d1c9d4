package io.keyhook.server.apikey;

import io.keyhook.api.apikey.ApiKeyUsageRecorded;
import io.keyhook.api.apikey.UsageReason;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Group commit: attempts that arrive while an append is running are appended together, in one call. */
class UsageAuditLogTest {

    /** A storage engine that remembers each batch it was given and can hold the first append back. */
    static class RecordingStorage extends InMemoryEventStorageEngine {
        final List<Integer> batches = new CopyOnWriteArrayList<>();
        final CountDownLatch firstAppendHeld = new CountDownLatch(1);
        final CountDownLatch releaseFirstAppend = new CountDownLatch(1);
        volatile boolean failing;
        volatile boolean erring;

        @Override
        public void appendEvents(List<? extends EventMessage<?>> events) {
            if (failing) {
                throw new IllegalStateException("disk full");
            }
            if (erring) {
                erring = false;
                throw new OutOfMemoryError("Java heap space");
            }
            if (batches.isEmpty()) {
                firstAppendHeld.countDown();
                try {
                    releaseFirstAppend.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            batches.add(events.size());
            super.appendEvents(events);
        }
    }

    private final RecordingStorage storage = new RecordingStorage();
    private final EmbeddedEventStore eventStore = EmbeddedEventStore.builder().storageEngine(storage).build();
    private final UsageAuditLog audit = new UsageAuditLog(eventStore, 1_000, Duration.ofSeconds(10));

    @AfterEach
    void stop() {
        storage.releaseFirstAppend.countDown();
        audit.stop();
        eventStore.shutDown();
    }

    private static ApiKeyUsageRecorded attempt(int n) {
        return new ApiKeyUsageRecorded("key-1", "org-1", "kh_live_AAAAAAAA", Instant.now(), "GET", "/api/v1/items/" + n,
                "10.0.0.1", "test", UsageReason.OK, null);
    }

    @Test
    void attemptsWaitingDuringAnAppendShareTheNextOne() throws Exception {
        audit.start();
        var first = audit.record(attempt(0)).toFuture();
        assertThat(storage.firstAppendHeld.await(10, TimeUnit.SECONDS)).isTrue();

        // Subscribing offers each attempt to the queue at once: all 50 wait behind the held append.
        var waiting = Flux.range(1, 50).flatMap(n -> audit.record(attempt(n)).thenReturn(n)).collectList().toFuture();
        assertThat(first).isNotDone();
        assertThat(storage.batches).isEmpty();
        storage.releaseFirstAppend.countDown();

        first.get(10, TimeUnit.SECONDS);
        assertThat(waiting.get(10, TimeUnit.SECONDS)).hasSize(50);
        assertThat(storage.batches).containsExactly(1, 50);
        try (var stream = eventStore.openStream(null)) {
            int count = 0;
            while (stream.hasNextAvailable()) {
                stream.nextAvailable();
                count++;
            }
            assertThat(count).isEqualTo(51);
        }
    }

    @Test
    void aFailedAppendFailsEveryAttemptOfItsBatch() {
        storage.releaseFirstAppend.countDown();
        storage.failing = true;
        audit.start();

        StepVerifier.create(Mono.when(audit.record(attempt(1)), audit.record(attempt(2))))
                .expectError(AuditUnavailableException.class)
                .verify(Duration.ofSeconds(10));
        StepVerifier.create(audit.record(attempt(3)))
                .expectError(AuditUnavailableException.class)
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void nothingIsAcceptedWhenTheWriterIsNotRunning() {
        StepVerifier.create(audit.record(attempt(1)))
                .expectError(AuditUnavailableException.class)
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void anErrorInAnAppendFailsItsBatchAndTheWriterGoesOn() {
        storage.releaseFirstAppend.countDown();
        storage.erring = true;
        audit.start();

        StepVerifier.create(audit.record(attempt(1)))
                .expectError(AuditUnavailableException.class)
                .verify(Duration.ofSeconds(10));
        StepVerifier.create(audit.record(attempt(2)))
                .verifyComplete();
    }

    @Test
    void aRequestWaitsForItsAppendNoLongerThanTheTimeout() {
        UsageAuditLog impatient = new UsageAuditLog(eventStore, 1_000, Duration.ofMillis(200));
        impatient.start();
        try {
            // the first append is held back until the test ends
            StepVerifier.create(impatient.record(attempt(1)))
                    .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(AuditUnavailableException.class)
                            .hasMessageContaining("longer than 200 ms"))
                    .verify(Duration.ofSeconds(10));
        } finally {
            storage.releaseFirstAppend.countDown();
            impatient.stop();
        }
    }
}
