package io.keyhook.server.infra;

import de.bwaldvogel.mongo.MongoServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Points the embedded default at the data dir before the context is refreshed: the H2 file of the
 * event, token, saga and deadline stores, and the embedded MongoDB wire-protocol server of the read
 * models, which it starts here and stops after every bean that uses it is gone. A configured
 * datasource or MongoDB URI wins: nothing embedded is started for it and the same code talks to the
 * real server.
 */
public class EmbeddedStorageInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedStorageInitializer.class);
    static final String READ_MODEL_FILE = "readmodels.mv";

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        ConfigurableEnvironment environment = context.getEnvironment();
        Path dataDir = Path.of(environment.getProperty("keyhook.data-dir", "./data")).toAbsolutePath().normalize();
        Map<String, Object> properties = new HashMap<>();
        if (!environment.containsProperty("spring.datasource.url")) {
            prepare(dataDir);
            properties.put("spring.datasource.url", "jdbc:h2:file:" + dataDir.resolve("keyhook") + ";DB_CLOSE_ON_EXIT=FALSE");
        }
        if (embeddedMongoWanted(environment)) {
            properties.put("spring.data.mongodb.uri", startMongo(context, prepare(dataDir).resolve(READ_MODEL_FILE)));
        }
        if (!properties.isEmpty()) {
            environment.getPropertySources().addFirst(new MapPropertySource("keyhookEmbeddedStorage", properties));
        }
    }

    private static boolean embeddedMongoWanted(ConfigurableEnvironment environment) {
        return environment.getProperty("keyhook.embedded-mongo", Boolean.class, true)
                && !environment.containsProperty("spring.data.mongodb.uri")
                && !environment.containsProperty("spring.data.mongodb.host");
    }

    private static String startMongo(ConfigurableApplicationContext context, Path file) {
        MongoServer server = new MongoServer(new DurableH2Backend(file.toString()));
        InetSocketAddress address = server.bind();
        // Registered before any other bean, so destroyed after all of them: also on a failed start.
        ((DefaultListableBeanFactory) context.getBeanFactory())
                .registerDisposableBean("embeddedMongoServer", server::shutdownNow);
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
}
