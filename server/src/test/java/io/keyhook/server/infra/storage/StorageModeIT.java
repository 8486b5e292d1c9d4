package io.keyhook.server.infra.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import io.keyhook.server.Api;
import io.keyhook.server.Api.Session;
import io.keyhook.server.infra.postgres.EmbeddedPostgresServer;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged jar in storage mode, as a local cluster uses it: writes it acknowledged over JDBC and
 * over the MongoDB wire protocol survive a kill -9 of its JVM, and a Keyhook server started against
 * it keeps its events and read models there.
 */
class StorageModeIT {

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private final int postgresPort = freePort();
    private final int mongoPort = freePort();

    @AfterEach
    void stop() throws Exception {
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process process = processes.get(i);
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        }
        for (Path dataDir : List.of(storageDir(), dir.resolve("server"))) {
            EmbeddedPostgresServer.postmasterOf(dataDir.resolve(EmbeddedPostgresServer.DIRECTORY)).ifPresent(postmaster -> {
                postmaster.destroy();
                postmaster.onExit().orTimeout(30, TimeUnit.SECONDS).join();
            });
        }
    }

    @Test
    void writesAcknowledgedOverJdbcAndTheWireProtocolSurviveAKill9OfTheStorageJvm() throws Exception {
        Process storage = startStorage("first.log");
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE note (text TEXT)");
            assertThat(statement.executeUpdate("INSERT INTO note VALUES ('acknowledged over jdbc')")).isEqualTo(1);
        }
        try (MongoClient client = MongoClients.create(mongoUri())) {
            assertThat(things(client).insertOne(new Document("_id", "bolt").append("quantity", 10)).wasAcknowledged())
                    .isTrue();
        }

        storage.destroyForcibly();
        assertThat(storage.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(storage.exitValue()).isEqualTo(137);
        assertThat(EmbeddedPostgresServer.postmasterOf(storageDir().resolve(EmbeddedPostgresServer.DIRECTORY)))
                .as("PostgreSQL outlives the killed JVM").isPresent();

        startStorage("second.log");
        try (Connection connection = connect(); Statement statement = connection.createStatement();
             ResultSet notes = statement.executeQuery("SELECT text FROM note")) {
            assertThat(notes.next()).isTrue();
            assertThat(notes.getString(1)).isEqualTo("acknowledged over jdbc");
        }
        try (MongoClient client = MongoClients.create(mongoUri())) {
            assertThat(things(client).find(Filters.eq("_id", "bolt")).first()).containsEntry("quantity", 10);
        }
        String password = password();
        assertThat(Files.readString(dir.resolve("first.log")) + Files.readString(dir.resolve("second.log")))
                .contains("KEYHOOK_POSTGRES_URL=jdbc:postgresql://127.0.0.1:" + postgresPort + "/keyhook")
                .contains("SPRING_DATA_MONGODB_URI=" + mongoUri())
                .doesNotContain(password);
    }

    @Test
    void aKeyhookServerOnTheStorageServerServesAndKeepsItsEventsAndReadModelsThere() throws Exception {
        Process storage = startStorage("storage.log");
        Path serverDir = dir.resolve("server");
        int port = freePort();
        ProcessBuilder server = java("-Daxoniq.update-checker.disabled=true", "-jar", jar(),
                "--server.port=" + port, "--keyhook.data-dir=" + serverDir);
        server.environment().putAll(Map.of(
                "KEYHOOK_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:" + postgresPort + "/keyhook",
                "KEYHOOK_POSTGRES_USERNAME", EmbeddedPostgresServer.USER,
                "KEYHOOK_POSTGRES_PASSWORD", password(),
                "SPRING_DATA_MONGODB_URI", mongoUri()));
        Process keyhook = start(server, "server.log");
        WebTestClient http = WebTestClient.bindToServer().baseUrl("http://localhost:" + port)
                .responseTimeout(Duration.ofSeconds(30)).build();
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .untilAsserted(() -> {
                    assertThat(keyhook.isAlive()).as("server process alive").isTrue();
                    http.get().uri("/actuator/health").exchange().expectStatus().isOk()
                            .expectBody().jsonPath("$.status").isEqualTo("UP");
                });

        Api api = new Api(http);
        Session admin = api.signup("Acme");
        JsonNode item = api.createItem(admin, "Bolt", 10, 3);
        api.get(admin, "/api/v1/items/" + item.get("id").asText()).expectStatus().isOk().expectBody()
                .jsonPath("$.name").isEqualTo("Bolt");

        assertThat(serverDir.resolve(EmbeddedPostgresServer.DIRECTORY)).as("no PostgreSQL of its own").doesNotExist();
        assertThat(serverDir.resolve("readmodels.mv")).as("no read-model store of its own").doesNotExist();
        try (Connection connection = connect(); Statement statement = connection.createStatement();
             ResultSet events = statement.executeQuery(
                     "SELECT count(*) FROM domainevententry WHERE aggregateidentifier = '" + item.get("id").asText() + "'")) {
            assertThat(events.next()).isTrue();
            assertThat(events.getLong(1)).isEqualTo(1);
        }
        try (MongoClient client = MongoClients.create(mongoUri())) {
            assertThat(client.getDatabase("keyhook").getCollection("items")
                    .countDocuments(Filters.eq("_id", item.get("id").asText()))).isEqualTo(1);
        }

        keyhook.destroy();
        assertThat(keyhook.waitFor(60, TimeUnit.SECONDS)).isTrue();
        storage.destroy();
        assertThat(storage.waitFor(60, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
        assertThat(EmbeddedPostgresServer.postmasterOf(storageDir().resolve(EmbeddedPostgresServer.DIRECTORY)))
                .as("PostgreSQL stopped with it").isEmpty();
        assertThat(Files.readString(dir.resolve("storage.log"))).contains("Stopped the storage server");
    }

    @Test
    void anUnknownModeIsRefusedWithStatus1() throws Exception {
        Process unknown = start(java("-jar", jar(), "--keyhook.mode=cluster"), "unknown.log");

        assertThat(unknown.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(unknown.exitValue()).isEqualTo(1);
        assertThat(Files.readString(dir.resolve("unknown.log"))).contains("Unknown keyhook.mode 'cluster'");
    }

    private Process startStorage(String logName) throws Exception {
        Process storage = start(java("-jar", jar(), "--keyhook.mode=storage", "--keyhook.data-dir=" + storageDir(),
                "--keyhook.storage.postgres-port=" + postgresPort, "--keyhook.storage.mongo-port=" + mongoPort), logName);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .untilAsserted(() -> {
                    assertThat(storage.isAlive()).as("storage process alive").isTrue();
                    assertThat(Files.readString(dir.resolve(logName))).contains("Storage server ready");
                    connect().close();
                });
        return storage;
    }

    private Process start(ProcessBuilder builder, String logName) throws IOException {
        Process process = builder.redirectErrorStream(true).redirectOutput(dir.resolve(logName).toFile()).start();
        processes.add(process);
        return process;
    }

    private static ProcessBuilder java(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    private static String jar() {
        return System.getProperty("keyhook.jar", "target/keyhook.jar");
    }

    private Path storageDir() {
        return dir.resolve("storage");
    }

    private String password() throws IOException {
        return Files.readString(storageDir().resolve(EmbeddedPostgresServer.PASSWORD_FILE), StandardCharsets.US_ASCII).strip();
    }

    private Connection connect() throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgresPort + "/keyhook",
                EmbeddedPostgresServer.USER, password());
    }

    private String mongoUri() {
        return "mongodb://127.0.0.1:" + mongoPort + "/keyhook";
    }

    private static MongoCollection<Document> things(MongoClient client) {
        return client.getDatabase("keyhook").getCollection("things");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
