package io.keyhook.server.web;

import io.keyhook.api.common.FindProjectedVersion;
import io.keyhook.server.infra.KeyhookProperties;
import org.axonframework.extensions.reactor.queryhandling.gateway.ReactorQueryGateway;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.util.concurrent.TimeoutException;

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
}
