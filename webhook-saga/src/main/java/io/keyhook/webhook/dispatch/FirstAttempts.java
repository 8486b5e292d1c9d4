package io.keyhook.webhook.dispatch;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.keyhook.api.delivery.AttemptResult;
import io.keyhook.api.delivery.RecordDeliveryAttempt;
import io.keyhook.api.delivery.ScheduleDelivery;
import io.keyhook.webhook.WebhookSettings;
import io.keyhook.webhook.delivery.AttemptRequest;
import io.keyhook.webhook.delivery.WebhookAttempts;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The happy path of a delivery: its first attempt is made while the dispatcher's batch is handled,
 * every attempt of the batch at once, and the delivery is recorded with its outcome in the batch's
 * transaction (with the batch's token): one command and one commit for all of them, no saga, no
 * deadline. A crash before that commit handles the batch again, and the receiver gets the same
 * {@code webhook-id} again (at least once).
 * <p>The batch waits at most {@code first-attempt-wait} for its receivers. An attempt still running
 * then is recorded as started (the DeliverySaga watches it) and its outcome is recorded when it
 * arrives, once the batch is committed; a slow receiver does not hold up the others. Such a
 * subscription is then taken for slow for {@value #SLOW_SECONDS} s: batches do not wait for it at
 * all, so a receiver that is always slow costs the dispatcher one wait a minute, not one a batch.
 */
@Component
public class FirstAttempts {

    static final int SLOW_SECONDS = 60;
    private static final String PENDING = FirstAttempts.class.getName() + ".pending";
    private static final Logger log = LoggerFactory.getLogger(FirstAttempts.class);

    private record Pending(ScheduleDelivery delivery, CompletableFuture<AttemptResult> result) {
    }

    private final WebhookAttempts attempts;
    private final CommandGateway commands;
    private final WebhookSettings settings;
    private final Clock clock;
    private final Cache<String, Boolean> slow = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofSeconds(SLOW_SECONDS)).maximumSize(100_000).build();

    public FirstAttempts(WebhookAttempts attempts, CommandGateway commands, WebhookSettings settings, Clock clock) {
        this.attempts = attempts;
        this.commands = commands;
        this.settings = settings;
        this.clock = clock;
    }

    /** Starts the first attempt of a new delivery now; it is recorded at the end of the batch. */
    void start(ScheduleDelivery delivery) {
        Instant startedAt = clock.instant();
        CompletableFuture<AttemptResult> result = attempts.attempt(new AttemptRequest(delivery.deliveryId(),
                delivery.subscriptionId(), delivery.eventType(), delivery.body(), 1)).toFuture();
        Pending pending = new Pending(delivery.attempted(startedAt, null), result);
        if (!CurrentUnitOfWork.isStarted()) {
            record(List.of(pending), null);
            return;
        }
        UnitOfWork<?> batch = CurrentUnitOfWork.get().root();
        batch.<List<Pending>>getOrComputeResource(PENDING, key -> new ArrayList<>()).add(pending);
    }

    /**
     * Called after each event the dispatcher handled: after the last one of the batch, records the
     * batch's deliveries. The batch holds only events the dispatcher handles, so its last one ends here.
     */
    void endOfEvent() {
        if (!CurrentUnitOfWork.isStarted()) {
            return;
        }
        UnitOfWork<?> unitOfWork = CurrentUnitOfWork.get();
        if (unitOfWork instanceof BatchingUnitOfWork<?> batch && !batch.isLastMessage()) {
            return;
        }
        UnitOfWork<?> root = unitOfWork.root();
        List<Pending> pending = root.getResource(PENDING);
        if (pending != null && !pending.isEmpty()) {
            List<Pending> recorded = List.copyOf(pending);
            pending.clear();
            record(recorded, root);
        }
    }

    private void record(List<Pending> pending, UnitOfWork<?> batch) {
        long deadline = System.nanoTime() + settings.firstAttemptWait().toNanos();
        List<Pending> running = new ArrayList<>();
        for (Pending delivery : pending) {
            ScheduleDelivery schedule = delivery.delivery();
            boolean knownSlow = slow.getIfPresent(schedule.subscriptionId()) != null;
            AttemptResult result = knownSlow ? delivery.result().getNow(null) : awaitUntil(delivery.result(), deadline);
            if (result == null) {
                running.add(delivery);
                if (!knownSlow) {
                    slow.put(schedule.subscriptionId(), true);
                }
            }
            commands.sendAndWait(schedule.attempted(schedule.firstAttemptStartedAt(), result));
        }
        if (running.isEmpty()) {
            return;
        }
        if (batch == null) {
            running.forEach(this::recordWhenItArrives);
        } else {
            batch.afterCommit(committed -> running.forEach(this::recordWhenItArrives));
        }
    }

    private void recordWhenItArrives(Pending delivery) {
        String id = delivery.delivery().deliveryId();
        Mono.fromFuture(delivery.result())
                // Recording appends to the event store: never on the HTTP client's event loop.
                .publishOn(Schedulers.boundedElastic())
                .flatMap(result -> Mono.fromFuture(() -> commands.send(new RecordDeliveryAttempt(id, result)))
                        .retryWhen(Retry.backoff(3, Duration.ofMillis(500))))
                .subscribe(null, failure -> log.warn("Delivery {}: the outcome of its first attempt could not be "
                        + "recorded (its watchdog will count it as failed): {}", id, failure.toString()));
    }

    private static AttemptResult awaitUntil(CompletableFuture<AttemptResult> result, long deadline) {
        try {
            return result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException stillRunning) {
            return null;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for first attempts", interrupted);
        } catch (ExecutionException impossible) {
            // An attempt's failure is a result; this is a defect.
            throw new IllegalStateException("a first attempt failed unexpectedly", impossible.getCause());
        }
    }
}
