package io.keyhook.server.infra.postgres;

import org.axonframework.modelling.saga.repository.jdbc.PostgresSagaSqlSchema;
import org.axonframework.modelling.saga.repository.jdbc.SagaSqlSchema;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/**
 * Axon's JDBC auto-configuration builds the event, token and saga stores on the datasource; only the
 * saga store needs to be told it talks to PostgreSQL (the generic schema's {@code blob} does not exist
 * there). The tables come from the Flyway migrations in {@code db/migration}.
 */
@Configuration(proxyBeanMethods = false)
@Profile("!axonserver")
public class PostgresStorageConfig {

    @Bean
    public SagaSqlSchema sagaSqlSchema() {
        return new PostgresSagaSqlSchema();
    }
}
