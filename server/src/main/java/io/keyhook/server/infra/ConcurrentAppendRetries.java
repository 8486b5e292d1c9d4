package io.keyhook.server.infra;

import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.gateway.RetryScheduler;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Sends a command again when its events could not be appended because another instance appended to
 * the same aggregate first (the event store's unique aggregate and sequence number), or created it
 * first: the retry loads the aggregate with the other instance's events and decides again, so
 * neither update is lost (and a create-if-missing finds it there). Within one instance commands to one aggregate take turns (Axon's aggregate lock), so this
 * happens only with several instances on one event store. Any other failure is answered at once;
 * a command that still collides after {@value #MAX_RETRIES} retries fails with the conflict.
 */
public final class ConcurrentAppendRetries implements RetryScheduler, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConcurrentAppendRetries.class);
    static final int MAX_RETRIES = 8;
    private static final long FIRST_DELAY_MILLIS = 5;

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "command-retries");
        thread.setDaemon(true);
        return thread;
    });

    @Override
    public boolean scheduleRetry(CommandMessage commandMessage, RuntimeException lastFailure,
                                 List<Class<? extends Throwable>[]> failures, Runnable dispatchTask) {
        if (!causedByConcurrentAppend(lastFailure) || failures.size() > MAX_RETRIES || executor.isShutdown()) {
            return false;
        }
        // Exponential, with jitter, so that two instances retrying the same aggregate drift apart.
        long ceiling = FIRST_DELAY_MILLIS << Math.min(failures.size() - 1, 6);
        long delay = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
        log.debug("{} collided with another instance's append; retry {} in {} ms", commandMessage.getCommandName(),
                failures.size(), delay);
        executor.schedule(dispatchTask, delay, TimeUnit.MILLISECONDS);
        return true;
    }

    static boolean causedByConcurrentAppend(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof ConcurrencyException || cause instanceof AggregateStreamCreationException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
