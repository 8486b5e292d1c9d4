package io.keyhook.server.web;

import io.keyhook.server.infra.KeyhookProperties;
import org.axonframework.extensions.reactor.commandhandling.gateway.ReactorCommandGateway;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Sends commands from request handlers. The embedded command bus handles a command on the calling
 * thread and appends to the event store with JDBC, so dispatch moves off the event loop.
 */
@Component
public class Commands {

    private final ReactorCommandGateway gateway;
    private final KeyhookProperties properties;

    public Commands(ReactorCommandGateway gateway, KeyhookProperties properties) {
        this.gateway = gateway;
        this.properties = properties;
    }

    public <R> Mono<R> send(Object command) {
        return Mono.defer(() -> gateway.<R>send(command))
                .subscribeOn(Schedulers.boundedElastic())
                .timeout(properties.api().commandTimeout());
    }
}
