package io.keyhook.server.infra;

import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Configuration;

/**
 * A handler that fails must stop its processor and be retried, never be logged and skipped: a
 * projection that silently misses an event is wrong forever.
 * <p>Processors take up to {@value #BATCH_SIZE} available events at a time. Most events in the store
 * are usage audits that most processors ignore; with batches of one, each ignored event would cost
 * every processor a token write. A batch only takes what is already there, so it adds no latency.
 */
@Configuration
public class EventProcessingConfig {

    static final int BATCH_SIZE = 100;

    @Autowired
    public void configureProcessors(EventProcessingConfigurer processing) {
        processing.registerDefaultListenerInvocationErrorHandler(configuration -> PropagatingErrorHandler.instance());
        processing.registerTrackingEventProcessorConfiguration(configuration ->
                TrackingEventProcessorConfiguration.forSingleThreadedProcessing().andBatchSize(BATCH_SIZE));
    }
}
