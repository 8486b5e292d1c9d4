package io.keyhook.server.infra;

import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Configuration;

/**
 * A handler that fails must stop its processor and be retried, never be logged and skipped: a
 * projection that silently misses an event is wrong forever.
 */
@Configuration
public class EventProcessingConfig {

    @Autowired
    public void propagateHandlerFailures(EventProcessingConfigurer processing) {
        processing.registerDefaultListenerInvocationErrorHandler(configuration -> PropagatingErrorHandler.instance());
    }
}
