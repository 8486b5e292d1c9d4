package io.keyhook.server.infra;

import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.commandhandling.gateway.DefaultCommandGateway;
import org.axonframework.extensions.reactor.commandhandling.gateway.DefaultReactorCommandGateway;
import org.axonframework.extensions.reactor.commandhandling.gateway.ReactorCommandGateway;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Both command gateways (the API's reactive one, the sagas' and dispatcher's) retry colliding appends. */
@Configuration
public class CommandGatewayConfig {

    @Bean(destroyMethod = "close")
    public ConcurrentAppendRetries concurrentAppendRetries() {
        return new ConcurrentAppendRetries();
    }

    @Bean
    public CommandGateway commandGateway(CommandBus commandBus, ConcurrentAppendRetries retries) {
        return DefaultCommandGateway.builder().commandBus(commandBus).retryScheduler(retries).build();
    }

    @Bean
    public ReactorCommandGateway reactorCommandGateway(CommandBus commandBus, ConcurrentAppendRetries retries) {
        return DefaultReactorCommandGateway.builder().commandBus(commandBus).retryScheduler(retries).build();
    }
}
