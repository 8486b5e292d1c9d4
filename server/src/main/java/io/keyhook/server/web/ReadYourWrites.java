package io.keyhook.server.web;

import io.keyhook.api.common.FindProjectedVersion;
import io.keyhook.server.infra.KeyhookProperties;
import io.keyhook.server.infra.cluster.LocalSegments;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.extensions.reactor.queryhandling.gateway.ReactorQueryGateway;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
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
    private final EventProcessingConfiguration processing;
    private final KeyhookProperties properties;

    public ReadYourWrites(ReactorQueryGateway queries, EventProcessingConfiguration processing,
                          KeyhookProperties properties) {
        this.queries = queries;
        this.processing = processing;
        this.properties = properties;
    }

    public Mono<Void> await(String projection, String aggregateId, long version) {
        return queries.subscriptionQuery(projection, new FindProjectedVersion(aggregateId), Long.class, Long.class)
                .flatMap(result -> reaching(result.initialResult().concatWith(result.updates()), Long::longValue,
                        version).doFinally(signal -> result.close()))
                .then();
    }

    /**
     * Makes the write with the subscription to the document it changes already open, and answers
     * that document as its projection shows it once it carries the write's version (the version the
     * write returns). While this instance runs every segment of the projection's processing group,
     * the update for the write cannot pass unseen, so nothing is read: the update is the answer.
     * Otherwise (another instance may have projected it already) the subscription's initial answer
     * is read too. Empty when the projection lags past the visibility timeout; the write's own
     * failure is passed on.
     */
    public <V> Mono<V> viewAfter(Mono<Long> write, String projectionGroup, Object subscription, Class<V> type,
                                 ToLongFunction<V> versionOf) {
        return Mono.usingWhen(queries.subscriptionQuery(subscription, type, type),
                result -> write.flatMap(version -> reaching(LocalSegments.coverAll(processing, projectionGroup)
                        ? result.updates()
                        : result.initialResult().concatWith(result.updates()), versionOf, version)),
                result -> Mono.fromRunnable(result::close));
    }

    /** The first answer or update at {@code version} or later; empty past the visibility timeout. */
    private <V> Mono<V> reaching(Flux<V> answers, ToLongFunction<V> versionOf, long version) {
        return answers.filter(answer -> versionOf.applyAsLong(answer) >= version)
                .next()
                .timeout(properties.api().visibilityTimeout())
                .onErrorResume(TimeoutException.class, timeout -> Mono.empty());
    }
}
