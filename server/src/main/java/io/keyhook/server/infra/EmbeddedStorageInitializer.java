package io.keyhook.server.infra;

import de.bwaldvogel.mongo.MongoServer;
import io.keyhook.server.infra.postgres.EmbeddedPostgresServer;
import io.keyhook.server.infra.postgres.LegacyDataDirException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Points the application at its stores before the context is refreshed.
 * <ul>
 * <li>Events, tokens, sagas and deadlines: the PostgreSQL named by {@code keyhook.postgres.url}
 * (env {@code KEYHOOK_POSTGRES_URL}, with {@code .username} and {@code .password}), or else one that
 * is started here on {@code <data-dir>/postgres}.</li>
 * <li>Read models: the MongoDB of {@code spring.data.mongodb.uri}, or else an embedded MongoDB
 * wire-protocol server on {@code <data-dir>/readmodels.mv}.</li>
 * </ul>
 * Whatever is started here is stopped after every bean that uses it is gone (it is registered before
 * any of them), and also when the application fails to start.
 */
public class EmbeddedStorageInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedStorageInitializer.class);
    public static final String READ_MODEL_FILE = "readmodels.mv";

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        ConfigurableEnvironment environment = context.getEnvironment();
        // Read before there is a context, yet with the defaults of the KeyhookProperties it will bind.
        KeyhookProperties settings = Binder.get(environment).bindOrCreate("keyhook", KeyhookProperties.class);
        Path dataDir = settings.dataDir().toAbsolutePath().normalize();
        refuseUnsharedStoresInACluster(settings, environment);
        Map<String, Object> properties = new HashMap<>();
        Stopper stopper = new Stopper();
        context.addApplicationListener(stopper);
        ((DefaultListableBeanFactory) context.getBeanFactory()).registerDisposableBean("embeddedStorage", stopper);
        try {
            if (relationalStoreWanted(environment)) {
                properties.putAll(relationalStore(settings.postgres(), dataDir, stopper));
            }
            if (settings.embeddedMongo() && mongoNotConfigured(environment)) {
                properties.put("spring.data.mongodb.uri", startMongo(context, prepare(dataDir).resolve(READ_MODEL_FILE), stopper));
            }
        } catch (RuntimeException startFailure) {
            stopper.destroy();
            throw startFailure;
        }
        if (!properties.isEmpty()) {
            environment.getPropertySources().addFirst(new MapPropertySource("keyhookStorage", properties));
        }
    }

    /**
     * Instances of a cluster that each started stores of their own would share nothing: each would
     * hold its own events and deliver its own webhooks, unseen by the others.
     */
    private static void refuseUnsharedStoresInACluster(KeyhookProperties settings, ConfigurableEnvironment environment) {
        if (!settings.cluster().enabled()) {
            return;
        }
        boolean sharedEvents = environment.getProperty("axon.axonserver.enabled", Boolean.class, false)
                || environment.containsProperty("spring.datasource.url")
                || (settings.postgres().url() != null && !settings.postgres().url().isBlank());
        List<String> missing = new ArrayList<>();
        if (!sharedEvents) {
            missing.add("keyhook.postgres.url");
        }
        if (mongoNotConfigured(environment)) {
            missing.add("spring.data.mongodb.uri");
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("keyhook.cluster.enabled (the postgres profile) needs stores every instance"
                    + " shares: set KEYHOOK_POSTGRES_URL (with KEYHOOK_POSTGRES_USERNAME, KEYHOOK_POSTGRES_PASSWORD) and"
                    + " SPRING_DATA_MONGODB_URI; missing: " + String.join(", ", missing));
        }
    }

    /** The axonserver profile keeps everything in Axon Server and MongoDB and has no datasource. */
    private static boolean relationalStoreWanted(ConfigurableEnvironment environment) {
        return !environment.getProperty("axon.axonserver.enabled", Boolean.class, false)
                && !environment.containsProperty("spring.datasource.url");
    }

    private static Map<String, Object> relationalStore(KeyhookProperties.Postgres settings, Path dataDir, Stopper stopper) {
        String external = settings.url();
        if (external != null && !external.isBlank()) {
            log.info("Event store: PostgreSQL at {}", external.replaceAll("\\?.*", ""));
            return Map.of("spring.datasource.url", external,
                    "spring.datasource.username", settings.username(),
                    "spring.datasource.password", Objects.requireNonNullElse(settings.password(), ""));
        }
        LegacyDataDirException.refuseLegacyLayout(dataDir);
        EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(prepare(dataDir));
        stopper.postgres = postgres;
        return Map.of("spring.datasource.url", postgres.jdbcUrl(),
                "spring.datasource.username", EmbeddedPostgresServer.USER,
                "spring.datasource.password", postgres.password());
    }

    private static boolean mongoNotConfigured(ConfigurableEnvironment environment) {
        return !environment.containsProperty("spring.data.mongodb.uri")
                && !environment.containsProperty("spring.data.mongodb.host");
    }

    private static String startMongo(ConfigurableApplicationContext context, Path file, Stopper stopper) {
        ReadModelBackend backend = new ReadModelBackend(file.toString());
        MongoServer server = new MongoServer(backend);
        InetSocketAddress address = server.bind();
        stopper.mongo = server;
        // Event processors commit it once per batch, before their token (EventProcessingConfig).
        context.getBeanFactory().registerSingleton("readModelBackend", backend);
        String uri = "mongodb://" + address.getHostString() + ":" + address.getPort() + "/keyhook";
        log.info("Read models: embedded MongoDB server on {}, stored in {}", uri, file);
        return uri;
    }

    private static Path prepare(Path dataDir) {
        try {
            return Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + dataDir, e);
        }
    }

    /**
     * Stops the embedded servers once: when the context closes (after all other beans, being
     * registered first), or when the application fails to start before its context could close.
     */
    private static final class Stopper implements org.springframework.beans.factory.DisposableBean,
            ApplicationListener<ApplicationFailedEvent> {

        private volatile MongoServer mongo;
        private volatile EmbeddedPostgresServer postgres;

        @Override
        public synchronized void destroy() {
            if (mongo != null) {
                mongo.shutdownNow();
                mongo = null;
            }
            if (postgres != null) {
                postgres.close();
                postgres = null;
            }
        }

        @Override
        public void onApplicationEvent(ApplicationFailedEvent event) {
            destroy();
        }
    }
}
