package io.keyhook.server.infra.postgres;

import io.keyhook.server.infra.KeyhookProperties;
import io.keyhook.server.infra.cluster.InstanceId;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.Configuration;
import org.axonframework.eventhandling.EventBusSpanFactory;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.JdbcTokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.TokenSchema;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jpa.SQLStateResolver;
import org.axonframework.modelling.saga.repository.jdbc.PostgresSagaSqlSchema;
import org.axonframework.modelling.saga.repository.jdbc.SagaSqlSchema;
import org.axonframework.serialization.Serializer;
import org.axonframework.springboot.TokenStoreProperties;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Profile;

/**
 * Axon's JDBC auto-configuration builds the event, token and saga stores on the datasource; only the
 * saga store needs to be told it talks to PostgreSQL (the generic schema's {@code blob} does not exist
 * there), the event store how PostgreSQL reports a duplicate key and how often to poll, and the
 * token store the name this instance claims segments by. The tables come from the Flyway migrations in {@code db/migration}.
 */
@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
@Profile("!axonserver")
public class PostgresStorageConfig {

    /**
     * Axon's event store on the JDBC engine, as its auto-configuration makes it, but polling every
     * {@value #CLUSTER_FETCH_DELAY_MILLIS} ms in a cluster instead of every second: appends of this
     * instance wake its processors at once, those of another instance are only seen by polling, and
     * that poll bounds how soon a key revoked elsewhere is refused here.
     */
    @Bean
    public EventSchema eventSchema() {
        return new EventSchema();
    }

    /** As Axon's JDBC auto-configuration makes it (which steps back once the event store below exists). */
    @Bean
    public EventStorageEngine eventStorageEngine(Serializer defaultSerializer,
                                                 PersistenceExceptionResolver persistenceExceptionResolver,
                                                 @Qualifier("eventSerializer") Serializer eventSerializer,
                                                 Configuration configuration, ConnectionProvider connectionProvider,
                                                 TransactionManager transactionManager, EventSchema eventSchema) {
        return JdbcEventStorageEngine.builder()
                .snapshotSerializer(defaultSerializer)
                .upcasterChain(configuration.upcasterChain())
                .persistenceExceptionResolver(persistenceExceptionResolver)
                .eventSerializer(eventSerializer)
                .snapshotFilter(configuration.snapshotFilter())
                .connectionProvider(connectionProvider)
                .transactionManager(transactionManager)
                .schema(eventSchema)
                .build();
    }

    @Qualifier("eventStore")
    @Bean(name = "eventBus")
    public EmbeddedEventStore eventStore(EventStorageEngine storageEngine, Configuration configuration,
                                         KeyhookProperties properties) {
        return EmbeddedEventStore.builder()
                .storageEngine(storageEngine)
                .messageMonitor(configuration.messageMonitor(EventStore.class, "eventStore"))
                .spanFactory(configuration.getComponent(EventBusSpanFactory.class))
                .fetchDelay(properties.cluster().enabled() ? CLUSTER_FETCH_DELAY_MILLIS : SINGLE_FETCH_DELAY_MILLIS)
                .build();
    }

    private static final long SINGLE_FETCH_DELAY_MILLIS = 1000;
    private static final long CLUSTER_FETCH_DELAY_MILLIS = 50;

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
