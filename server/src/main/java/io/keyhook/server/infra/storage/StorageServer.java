package io.keyhook.server.infra.storage;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import de.bwaldvogel.mongo.MongoServer;
import io.keyhook.server.infra.EmbeddedStorageInitializer;
import io.keyhook.server.infra.ReadModelBackend;
import io.keyhook.server.infra.postgres.EmbeddedPostgresServer;
import io.keyhook.server.infra.postgres.LegacyDataDirException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The storage mode ({@code --keyhook.mode=storage}): only the stores that a Keyhook server otherwise
 * embeds, served on TCP for several servers to share: the PostgreSQL of events, tokens, sagas and
 * deadlines on {@code <data-dir>/postgres}, and the MongoDB wire server of the read models on
 * {@code <data-dir>/readmodels.mv}. No web server, no Axon, no Spring.
 * <p>Both are durable per acknowledged write, as in one JVM: PostgreSQL with fsync and synchronous
 * commit on, the read-model file committed and synced before any write command is answered (its
 * clients cannot commit it themselves, see {@link ReadModelBackend}). After a kill -9, a start on the
 * same data dir stops the PostgreSQL left behind and recovers both.
 * <p>For tests and trials: the wire server has no authentication, and neither store is replicated.
 */
public final class StorageServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StorageServer.class);

    private final StorageSettings settings;
    private final EmbeddedPostgresServer postgres;
    private final MongoServer mongo;
    private final InetSocketAddress mongoAddress;
    private volatile boolean closed;

    private StorageServer(StorageSettings settings, EmbeddedPostgresServer postgres, MongoServer mongo) {
        this.settings = settings;
        this.postgres = postgres;
        this.mongo = mongo;
        this.mongoAddress = mongo.getLocalAddress();
    }

    /** Starts both, PostgreSQL first; on a failure nothing is left running. */
    public static StorageServer start(StorageSettings settings) {
        Path dataDir = createDirectories(settings.dataDir());
        LegacyDataDirException.refuseLegacyLayout(dataDir);
        InetAddress address = settings.listenInetAddress();
        EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(dataDir, settings.postgresPort(), address);
        try {
            Path file = dataDir.resolve(EmbeddedStorageInitializer.READ_MODEL_FILE);
            MongoServer mongo = new MongoServer(new ReadModelBackend(file.toString(), true));
            mongo.bind(new InetSocketAddress(address, settings.mongoPort()));
            log.info("Read models: MongoDB wire server on {}:{}, stored in {}, every write synced before its reply",
                    address.getHostAddress(), mongo.getLocalAddress().getPort(), file);
            return new StorageServer(settings, postgres, mongo);
        } catch (RuntimeException failure) {
            postgres.close();
            throw failure;
        }
    }

    /**
     * Runs until the JVM is told to stop (SIGTERM, Ctrl-C), or until PostgreSQL exits on its own.
     *
     * @return the JVM's exit status
     */
    public static int run(String[] args, Map<String, String> environment) {
        quietLogging();
        StorageSettings settings;
        try {
            settings = StorageSettings.parse(args, environment);
        } catch (IllegalArgumentException wrongSetting) {
            log.error("The storage server did not start: {}", wrongSetting.getMessage());
            return 1;
        }
        StorageServer server;
        try {
            server = start(settings);
        } catch (RuntimeException startFailure) {
            log.error("The storage server did not start: {}", startFailure.getMessage(), startFailure);
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "keyhook-storage-stop"));
        server.logHowToConnect();
        Optional<ProcessHandle> postmaster = server.postmaster();
        if (postmaster.isEmpty()) {
            log.error("PostgreSQL was not found running after its start: stopping");
            server.close();
            return 1;
        }
        postmaster.get().onExit().join();
        if (server.closed) {
            return 0;
        }
        log.error("PostgreSQL (pid {}) exited on its own: stopping, start again to recover", postmaster.get().pid());
        server.close();
        return 1;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + advertisedHost() + ":" + postgres.port() + "/" + EmbeddedPostgresServer.DATABASE;
    }

    public String mongoUri() {
        return "mongodb://" + advertisedHost() + ":" + mongoAddress.getPort() + "/keyhook";
    }

    public String postgresUser() {
        return EmbeddedPostgresServer.USER;
    }

    /** Generated on the first start, readable by its owner only; the same as the embedded default's. */
    public Path passwordFile() {
        return settings.dataDir().resolve(EmbeddedPostgresServer.PASSWORD_FILE);
    }

    public int postgresPort() {
        return postgres.port();
    }

    public int mongoPort() {
        return mongoAddress.getPort();
    }

    Optional<ProcessHandle> postmaster() {
        return EmbeddedPostgresServer.postmasterOf(settings.dataDir().resolve(EmbeddedPostgresServer.DIRECTORY));
    }

    /** The wire server first: it has nothing to finish, its writes are on disk already. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        log.info("Stopping the storage server");
        mongo.shutdownNow();
        postgres.close();
        log.info("Stopped the storage server");
    }

    private void logHowToConnect() {
        if (!settings.listenInetAddress().isLoopbackAddress()) {
            log.warn("Listening on {}: PostgreSQL asks for the password, the MongoDB wire server asks for nothing "
                    + "(anyone who reaches port {} can read and change the read models)", settings.listenAddress(),
                    mongoPort());
        }
        log.info("""
                Storage server ready. PostgreSQL: {} (user {}, password in {}); MongoDB: {}
                Start each Keyhook server (on a data dir of its own) with:
                  KEYHOOK_POSTGRES_URL={}
                  KEYHOOK_POSTGRES_USERNAME={}
                  KEYHOOK_POSTGRES_PASSWORD="$(cat {})"
                  SPRING_DATA_MONGODB_URI={}""",
                jdbcUrl(), postgresUser(), passwordFile(), mongoUri(),
                jdbcUrl(), postgresUser(), passwordFile(), mongoUri());
    }

    /** The host other JVMs connect to: the listen address, or this host's name when it listens everywhere. */
    private String advertisedHost() {
        InetAddress address = settings.listenInetAddress();
        String host = settings.listenAddress();
        if (address.isAnyLocalAddress()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "localhost";
            }
        }
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /** Without Spring Boot, Logback logs everything at debug level; these are the levels a server has. */
    private static void quietLogging() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
            logback.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
            logback.getLogger("de.bwaldvogel.mongo").setLevel(Level.WARN);
        }
    }

    private static Path createDirectories(Path dataDir) {
        try {
            return Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + dataDir, e);
        }
    }
}
