package io.keyhook.server.infra.postgres;

import io.keyhook.server.infra.cluster.InstanceId;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.JdbcTokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.TokenSchema;
import org.axonframework.serialization.Serializer;
import org.axonframework.springboot.TokenStoreProperties;
import org.axonframework.eventsourcing.eventstore.jpa.SQLStateResolver;
import org.axonframework.modelling.saga.repository.jdbc.PostgresSagaSqlSchema;
import org.axonframework.modelling.saga.repository.jdbc.SagaSqlSchema;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/**
 * Axon's JDBC auto-configuration builds the event, token and saga stores on the datasource; only the
 * saga store needs to be told it talks to PostgreSQL (the generic schema's {@code blob} does not exist
 * there), the event store how PostgreSQL reports a duplicate key, and the token store the name this
 * instance claims segments by. The tables come from the Flyway migrations in {@code db/migration}.
 */
@Configuration(proxyBeanMethods = false)
@Profile("!axonserver")
public class PostgresStorageConfig {

    @Bean
    public InstanceId instanceId() {
        return InstanceId.create();
    }

    @Bean
    public TokenSchema tokenSchema() {
        return new TokenSchema();
    }

    /** Axon's JDBC token store, claiming segments in this instance's own name ({@link InstanceId}). */
    @Bean
    public TokenStore tokenStore(ConnectionProvider connections, Serializer serializer, TokenSchema schema,
                                 TokenStoreProperties properties, InstanceId instance) {
        return JdbcTokenStore.builder().connectionProvider(connections).schema(schema).serializer(serializer)
                .claimTimeout(properties.getClaimTimeout()).nodeId(instance.value()).build();
    }

    @Bean
    public SagaSqlSchema sagaSqlSchema() {
        return new PostgresSagaSqlSchema();
    }

    /**
     * PostgreSQL reports a duplicate key by SQL state ({@code 23505}, unique_violation), not by a JDBC
     * exception type: recognized, an event appended where another instance appended first is a
     * {@code ConcurrencyException} (retried, see {@code ConcurrentAppendRetries}), not a bare failure.
     */
    @Bean
    public PersistenceExceptionResolver persistenceExceptionResolver() {
        return new SQLStateResolver(UNIQUE_VIOLATION);
    }

    private static final String UNIQUE_VIOLATION = "23505";
}
