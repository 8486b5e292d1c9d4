package io.keyhook.server.infra;

import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import io.keyhook.query.apikey.UsageProjection;
import io.keyhook.webhook.circuit.CircuitBreaker;
import io.keyhook.webhook.dispatch.WebhookDispatcher;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.messaging.StreamableMessageSource;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.eventhandling.EventMessage;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Configuration;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A handler that fails must stop its processor and be retried, never be logged and skipped: a
 * projection that silently misses an event is wrong forever.
 * <p>Processors take up to {@value #BATCH_SIZE} available events at a time ({@value #USAGE_BATCH_SIZE} for
 * the usage audit). Most events in the store
 * are usage audits that most processors ignore; with batches of one, each ignored event would cost
 * every processor a token write. A batch only takes what is already there, so it adds no latency.
 * <p>In a cluster ({@code keyhook.cluster.enabled}) a processor whose segment another instance held
 * claims it within a second of that claim expiring ({@code axon.eventhandling.tokenstore.claim-timeout}).
 * <p>The webhook dispatcher and circuit breaker start at the head of the stream: history that
 * predates them is never sent to today's subscriptions.
 * <p>With the embedded read-model store, every batch commits that store before its token (see
 * {@link ReadModelBackend}): after a kill -9 a read model is never behind its token, and a batch
 * whose token was not stored is handled again by idempotent handlers.
 */
@Configuration
public class EventProcessingConfig {

    static final int BATCH_SIZE = 100;
    /** Attempts arrive with every key-authenticated request: the usage audit is projected in bigger batches. */
    static final int USAGE_BATCH_SIZE = 200;
    /** How often a processor without its segment tries to claim it: Axon's default alone, every second in a cluster. */
    private static final long SINGLE_CLAIM_INTERVAL_MILLIS = 5000;
    private static final long CLUSTER_CLAIM_INTERVAL_MILLIS = 1000;

    @Autowired
    public void configureProcessors(EventProcessingConfigurer processing, ObjectProvider<ReadModelBackend> readModels,
                                    KeyhookProperties properties) {
        readModels.ifAvailable(backend ->
                processing.registerDefaultHandlerInterceptor((configuration, name) -> commitBeforeToken(backend)));
        processing.registerDefaultListenerInvocationErrorHandler(configuration -> PropagatingErrorHandler.instance());
        long claimInterval = properties.cluster().enabled() ? CLUSTER_CLAIM_INTERVAL_MILLIS : SINGLE_CLAIM_INTERVAL_MILLIS;
        processing.registerTrackingEventProcessorConfiguration(configuration -> TrackingEventProcessorConfiguration
                .forSingleThreadedProcessing().andBatchSize(BATCH_SIZE).andTokenClaimInterval(claimInterval, TimeUnit.MILLISECONDS));
        processing.registerTrackingEventProcessorConfiguration(UsageProjection.GROUP, configuration ->
                TrackingEventProcessorConfiguration.forSingleThreadedProcessing().andBatchSize(USAGE_BATCH_SIZE)
                        .andTokenClaimInterval(claimInterval, TimeUnit.MILLISECONDS));
        for (String group : List.of(WebhookDispatcher.GROUP, CircuitBreaker.GROUP)) {
            processing.registerTrackingEventProcessorConfiguration(group, configuration ->
                    TrackingEventProcessorConfiguration.forSingleThreadedProcessing().andBatchSize(BATCH_SIZE)
                            .andTokenClaimInterval(claimInterval, TimeUnit.MILLISECONDS)
                            .andInitialTrackingToken(StreamableMessageSource::createHeadToken));
        }
    }

    /**
     * Handlers register end-of-batch writes of their own while the batch runs (e.g. the usage
     * projection's bulk insert, in prepare-commit). A batch runs the prepare-commit handlers of each
     * message in message order, so the commit is registered last, after the last message was handled:
     * it runs after all of them and still before the transaction that stores the token commits.
     */
    static MessageHandlerInterceptor<EventMessage<?>> commitBeforeToken(ReadModelBackend backend) {
        return (unitOfWork, chain) -> {
            Object result = chain.proceed();
            if (!(unitOfWork instanceof BatchingUnitOfWork<?> batch) || batch.isLastMessage()) {
                unitOfWork.onPrepareCommit(prepared -> backend.commit());
            }
            return result;
        };
    }
}
