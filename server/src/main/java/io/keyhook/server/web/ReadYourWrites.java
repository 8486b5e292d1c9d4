package io.keyhook.server.web;

import io.keyhook.api.common.FindProjectedVersion;
import io.keyhook.server.infra.KeyhookProperties;
import org.axonframework.extensions.reactor.queryhandling.gateway.ReactorQueryGateway;
import org.axonframework.queryhandling.SubscriptionQueryResult;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.util.concurrent.TimeoutException;
import java.util.function.ToLongFunction;

/**
 * Lets a write answer only once the projection shows it, so a client that writes and then reads gets
 * what it wrote. Subscribes to the projection's version of the aggregate (initial answer, then
 * updates) and completes at the awaited version; a projection that lags past the timeout does not
 * fail the write, the response then just may be a step behind.
 */
@Component
public class ReadYourWrites {

    private final ReactorQueryGateway queries;
    private final KeyhookProperties properties;

    public ReadYourWrites(ReactorQueryGateway queries, KeyhookProperties properties) {
        this.queries = queries;
        this.properties = properties;
    }

    public Mono<Void> await(String projection, String aggregateId, long version) {
        return firstReaching(queries.subscriptionQuery(projection, new FindProjectedVersion(aggregateId), Long.class,
                Long.class), Long::longValue, version).then();
    }

    /**
     * The document a write changed, as its projection shows it once it carries the write's version:
     * from a subscription whose initial answer and updates are that document (so no read follows).
     * Empty when the projection lags past the timeout.
     */
    public <V> Mono<V> awaitView(Object subscription, Class<V> type, ToLongFunction<V> versionOf, long version) {
        return firstReaching(queries.subscriptionQuery(subscription, type, type), versionOf, version);
    }

    /** The first answer or update at {@code version} or later; empty past the visibility timeout. */
    private <V> Mono<V> firstReaching(Mono<SubscriptionQueryResult<V, V>> subscription, ToLongFunction<V> versionOf,
                                      long version) {
        return subscription
                .flatMap(result -> result.initialResult().concatWith(result.updates())
                        .filter(answer -> versionOf.applyAsLong(answer) >= version)
                        .next()
                        .doFinally(signal -> result.close()))
                .timeout(properties.api().visibilityTimeout())
                .onErrorResume(TimeoutException.class, timeout -> Mono.empty());
    }
}
