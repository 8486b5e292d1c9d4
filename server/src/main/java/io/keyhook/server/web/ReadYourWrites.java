package io.keyhook.server.web;

import io.keyhook.api.common.FindProjectedVersion;
import io.keyhook.server.infra.KeyhookProperties;
import org.axonframework.extensions.reactor.queryhandling.gateway.ReactorQueryGateway;
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
        return queries.subscriptionQuery(projection, new FindProjectedVersion(aggregateId), Long.class, Long.class)
                .flatMap(result -> result.initialResult().concatWith(result.updates())
                        .filter(projected -> projected >= version)
                        .next()
                        .doFinally(signal -> result.close()))
                .timeout(properties.api().visibilityTimeout())
                .onErrorResume(TimeoutException.class, timeout -> Mono.empty())
                .then();
    }

    /**
     * The document a write changed, as its projection shows it once it carries the write's version:
     * from a subscription whose initial answer and updates are that document (so no read follows).
     * Empty when the projection lags past the timeout.
     */
    public <V> Mono<V> awaitView(Object subscription, Class<V> type, ToLongFunction<V> versionOf, long version) {
        return queries.subscriptionQuery(subscription, type, type)
                .flatMap(result -> result.initialResult().concatWith(result.updates())
                        .filter(view -> versionOf.applyAsLong(view) >= version)
                        .next()
                        .doFinally(signal -> result.close()))
                .timeout(properties.api().visibilityTimeout())
                .onErrorResume(TimeoutException.class, timeout -> Mono.empty());
    }
}
