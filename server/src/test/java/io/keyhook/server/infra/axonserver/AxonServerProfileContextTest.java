package io.keyhook.server.infra.axonserver;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.keyhook.server.KeyhookApplication;
import io.keyhook.server.OwnNettyResources;
import org.axonframework.axonserver.connector.command.AxonServerCommandBus;
import org.axonframework.axonserver.connector.event.axon.AxonServerEventStore;
import org.axonframework.axonserver.connector.query.AxonServerQueryBus;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.jobrunr.JobRunrDeadlineManager;
import org.axonframework.eventhandling.EventBus;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.extensions.mongo.eventhandling.saga.repository.MongoSagaStore;
import org.axonframework.extensions.mongo.eventsourcing.tokenstore.MongoTokenStore;
import org.axonframework.modelling.saga.repository.SagaStore;
import org.axonframework.queryhandling.QueryBus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

import javax.sql.DataSource;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The production profile ({@code axonserver}) compiles and starts its whole context, with its own wiring
 * (Axon Server event store and buses, MongoDB token and saga stores, JobRunr deadlines on MongoDB, no
 * datasource, no PostgreSQL), answers HTTP, and leaves nothing running once closed. There is no Axon
 * Server here: its address is a local port nothing listens on, and the connector keeps retrying in the
 * background without holding up the start. MongoDB is the embedded MongoDB server, in memory. What
 * that server needs and a real MongoDB does not is done here only: JobRunr's migrations are skipped
 * (one drops an index this server never created) and its collections are created before JobRunr
 * starts. The standard UUID representation is already set in {@code application.yml}.
 */
class AxonServerProfileContextTest {

    private static final String DATABASE = "keyhook";

    @TempDir
    Path dataDir;

    private MongoServer mongo;
    private String mongoUri;

    @BeforeEach
    void startMongo() {
        mongo = new MongoServer(new MemoryBackend());
        InetSocketAddress address = mongo.bind();
        mongoUri = "mongodb://" + address.getHostString() + ":" + address.getPort() + "/" + DATABASE;
        try (MongoClient client = MongoClients.create(mongoUri)) {
            MongoDatabase database = client.getDatabase(DATABASE);
            Stream.of("migrations", "jobs", "recurring_jobs", "background_job_servers", "metadata")
                    .forEach(database::createCollection);
        }
    }

    @AfterEach
    void stopMongo() {
        mongo.shutdownNow();
    }

    @Test
    void startsOnAxonServerAndMongoWiringWithoutARelationalStore() throws Exception {
        ThreadGroup applicationThreads = new ThreadGroup("axonserver-profile");
        int httpPort;
        try (ConfigurableApplicationContext context = startIn(applicationThreads, closedPort());
             MongoClient client = MongoClients.create(mongoUri)) {
            assertThat(context.isActive()).isTrue();

            assertThat(context.getBean(EventStore.class)).isInstanceOf(AxonServerEventStore.class);
            assertThat(context.getBean(EventBus.class)).isInstanceOf(AxonServerEventStore.class);
            assertThat(context.getBean(CommandBus.class)).isInstanceOf(AxonServerCommandBus.class);
            assertThat(context.getBean(QueryBus.class)).isInstanceOf(AxonServerQueryBus.class);
            assertThat(context.getBean(TokenStore.class)).isInstanceOf(MongoTokenStore.class);
            assertThat(context.getBean(SagaStore.class)).isInstanceOf(MongoSagaStore.class);
            assertThat(context.getBean(DeadlineManager.class)).isInstanceOf(JobRunrDeadlineManager.class);
            // JobRunr's background server announces itself in the MongoDB the application was given.
            MongoDatabase database = client.getDatabase(DATABASE);
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(database.getCollection("background_job_servers").countDocuments()).isPositive());

            assertThat(context.getBeanNamesForType(DataSource.class)).isEmpty();
            assertThat(dataDir.resolve("postgres")).doesNotExist();
            assertThat(processesOn(dataDir)).isEmpty();

            httpPort = ((WebServerApplicationContext) context).getWebServer().getPort();
            WebTestClient http = WebTestClient.bindToServer().baseUrl("http://localhost:" + httpPort)
                    .responseTimeout(Duration.ofSeconds(20)).build();
            http.get().uri("/v3/api-docs").exchange()
                    .expectStatus().isOk()
                    .expectBody().jsonPath("$.paths['/api/v1/items']").exists();
            http.get().uri("/api/v1/items").exchange().expectStatus().isUnauthorized();
            // UP or DOWN (Axon Server is unreachable): the endpoint answers either way.
            http.get().uri("/actuator/health").exchange()
                    .expectBody().jsonPath("$.status").isNotEmpty();
        }

        assertThatThrownBy(() -> new Socket("localhost", httpPort).close()).isInstanceOf(ConnectException.class);
        // Nothing the application started may keep the JVM alive. Its threads are those of the group it
        // was started in (daemon threads of JVM-wide schedulers it may have been the first to use aside).
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(nonDaemonThreadsOf(applicationThreads)).isEmpty());
        assertThat(processesOn(dataDir)).isEmpty();
    }

    /** Starts the application from a thread of {@code group}, so the threads it starts belong to it. */
    private ConfigurableApplicationContext startIn(ThreadGroup group, int axonServerPort) throws Exception {
        FutureTask<ConfigurableApplicationContext> starting = new FutureTask<>(() -> start(axonServerPort));
        new Thread(group, starting, "axonserver-profile-start").start();
        try {
            return starting.get(3, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    private ConfigurableApplicationContext start(int axonServerPort) {
        System.setProperty("axoniq.update-checker.disabled", "true");
        return new SpringApplicationBuilder(KeyhookApplication.class, OwnNettyResources.class)
                .run("--spring.profiles.active=axonserver",
                        "--server.port=0",
                        "--keyhook.data-dir=" + dataDir,
                        "--spring.data.mongodb.uri=" + mongoUri,
                        "--axon.axonserver.servers=localhost:" + axonServerPort,
                        // The embedded MongoDB server only: see the class comment.
                        "--jobrunr.database.skip-create=true");
    }

    /** A local port that was free a moment ago: nothing listens on it. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static List<String> nonDaemonThreadsOf(ThreadGroup group) {
        Thread[] threads = new Thread[group.activeCount() + 64];
        int count = group.enumerate(threads, true);
        return Arrays.stream(threads, 0, count).filter(Thread::isAlive).filter(thread -> !thread.isDaemon())
                .map(Thread::getName).toList();
    }

    /** Processes of this JVM (a PostgreSQL, say) whose command line names the data dir. */
    private static List<String> processesOn(Path dataDir) {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .map(process -> process.info().commandLine().orElse(""))
                .filter(commandLine -> commandLine.contains(dataDir.toString()))
                .toList();
    }
}
