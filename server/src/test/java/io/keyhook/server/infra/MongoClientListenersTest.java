package io.keyhook.server.infra;

import io.keyhook.server.KeyhookAppTest;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.mongodb.MongoMetricsCommandListener;
import io.micrometer.core.instrument.binder.mongodb.MongoMetricsConnectionPoolListener;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/** The read-model client reports no per-command or per-connection metrics: they cost CPU on every write. */
class MongoClientListenersTest extends KeyhookAppTest {

    @Autowired
    ApplicationContext context;

    @Test
    void noMetricsListenerIsOnTheMongoClients() {
        assertThat(context.getBeanNamesForType(MeterRegistry.class)).isNotEmpty();
        assertThat(context.getBeanNamesForType(MongoMetricsCommandListener.class)).isEmpty();
        assertThat(context.getBeanNamesForType(MongoMetricsConnectionPoolListener.class)).isEmpty();
    }
}
