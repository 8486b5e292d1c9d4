package io.keyhook.query.common;

import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.axonframework.queryhandling.SubscriptionQueryResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.util.retry.Retry;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Follows a subscription query whose initial answer is a list and whose updates are single
 * elements, for as long as its holder runs: every element goes to {@code onNext}. When the stream is
 * lost, {@code onLost} runs (what the holder kept may have missed updates) and the subscription is
 * made again, after 200 ms and up to 5 s between tries.
 */
public final class FollowedUpdates {

    private static final Logger log = LoggerFactory.getLogger(FollowedUpdates.class);

    private FollowedUpdates() {
    }

    public static <U> Disposable follow(QueryGateway queries, Object query, Class<U> type, Consumer<U> onNext,
                                        Runnable onLost, BooleanSupplier running) {
        return Flux.defer(() -> watch(queries, query, type))
                .doOnNext(onNext)
                .doOnError(e -> log.warn("The updates of {} were lost; following them again: {}",
                        query.getClass().getSimpleName(), e.toString()))
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(5))
                        .filter(e -> running.getAsBoolean())
                        .doBeforeRetry(retry -> onLost.run()))
                .subscribe();
    }

    private static <U> Flux<U> watch(QueryGateway queries, Object query, Class<U> type) {
        SubscriptionQueryResult<List<U>, U> result = queries.subscriptionQuery(query,
                ResponseTypes.multipleInstancesOf(type), ResponseTypes.instanceOf(type));
        return result.initialResult()
                .flatMapIterable(all -> all)
                .concatWith(result.updates())
                .doFinally(signal -> result.close());
    }
}
