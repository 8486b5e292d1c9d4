package io.keyhook.server.infra.storage;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import io.keyhook.server.infra.postgres.EmbeddedPostgresServer;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The storage mode in this JVM: both stores on TCP, reached the way other JVMs reach them. */
class StorageServerTest {

    @TempDir
    Path dataDir;

    private final List<StorageServer> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(StorageServer::close);
        EmbeddedPostgresServer.postmasterOf(dataDir.resolve(EmbeddedPostgresServer.DIRECTORY)).ifPresent(postmaster -> {
            postmaster.destroy();
            postmaster.onExit().orTimeout(30, TimeUnit.SECONDS).join();
        });
    }

    @Test
    void servesPostgresWithItsPasswordAndTheReadModelsOverTcpAndKeepsBothOverARestart() throws Exception {
        StorageServer storage = start();
        assertThat(storage.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + storage.postgresPort() + "/keyhook");
        assertThat(storage.mongoUri()).isEqualTo("mongodb://127.0.0.1:" + storage.mongoPort() + "/keyhook");
        try (Connection connection = connect(storage); Statement statement = connection.createStatement()) {
            assertThat(show(statement, "fsync")).isEqualTo("on");
            assertThat(show(statement, "synchronous_commit")).isEqualTo("on");
            assertThat(show(statement, "listen_addresses")).isEqualTo("localhost");
            statement.execute("CREATE TABLE note (text TEXT)");
            statement.execute("INSERT INTO note VALUES ('over jdbc')");
        }
        try (MongoClient client = MongoClients.create(storage.mongoUri())) {
            things(client).insertOne(new Document("_id", "bolt").append("quantity", 10));
            assertThat(things(client).find(Filters.eq("_id", "bolt")).first()).containsEntry("quantity", 10);
        }
        assertThatThrownBy(() -> DriverManager.getConnection(storage.jdbcUrl(), storage.postgresUser(), "guess"))
                .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
        assertThat(Files.getPosixFilePermissions(storage.passwordFile()))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

        storage.close();
        assertThat(EmbeddedPostgresServer.postmasterOf(dataDir.resolve(EmbeddedPostgresServer.DIRECTORY))).isEmpty();

        StorageServer again = start();
        try (Connection connection = connect(again); Statement statement = connection.createStatement();
             ResultSet notes = statement.executeQuery("SELECT text FROM note")) {
            assertThat(notes.next()).isTrue();
            assertThat(notes.getString(1)).isEqualTo("over jdbc");
        }
        try (MongoClient client = MongoClients.create(again.mongoUri())) {
            assertThat(things(client).find(Filters.eq("_id", "bolt")).first()).containsEntry("quantity", 10);
        }
    }

    @Test
    void aSecondStorageServerOnTheSameDataDirIsRefusedAndTheFirstKeepsServing() throws Exception {
        StorageServer first = start();
        assertThatThrownBy(this::start).hasMessageContaining("in use");
        try (Connection connection = connect(first); Statement statement = connection.createStatement()) {
            assertThat(show(statement, "fsync")).isEqualTo("on");
        }
        try (MongoClient client = MongoClients.create(first.mongoUri())) {
            things(client).insertOne(new Document("_id", "nut"));
            assertThat(things(client).countDocuments()).isEqualTo(1);
        }
    }

    @Test
    void whenPostgresExitsOnItsOwnTheStorageServerStopsWithStatus1() throws Exception {
        int mongoPort = freePort();
        CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> StorageServer.run(new String[]{
                "--keyhook.mode=storage", "--keyhook.data-dir=" + dataDir, "--keyhook.storage.postgres-port=" + freePort(),
                "--keyhook.storage.mongo-port=" + mongoPort}, Map.of()));
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
            assertThat(status).isNotDone();
            new Socket("127.0.0.1", mongoPort).close();
        });
        ProcessHandle postmaster = EmbeddedPostgresServer.postmasterOf(dataDir.resolve(EmbeddedPostgresServer.DIRECTORY))
                .orElseThrow();

        postmaster.destroy();

        assertThat(status.get(60, TimeUnit.SECONDS)).isEqualTo(1);
        assertThatThrownBy(() -> new Socket("127.0.0.1", mongoPort).close()).as("the wire server stopped too")
                .isInstanceOf(ConnectException.class);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private StorageServer start() {
        StorageServer storage = StorageServer.start(new StorageSettings(dataDir, 0, 0, "127.0.0.1"));
        started.add(storage);
        return storage;
    }

    private static Connection connect(StorageServer storage) throws Exception {
        String password = Files.readString(storage.passwordFile(), StandardCharsets.US_ASCII).strip();
        return DriverManager.getConnection(storage.jdbcUrl(), storage.postgresUser(), password);
    }

    private static String show(Statement statement, String setting) throws SQLException {
        try (ResultSet result = statement.executeQuery("SHOW " + setting)) {
            result.next();
            return result.getString(1);
        }
    }

    private static MongoCollection<Document> things(MongoClient client) {
        return client.getDatabase("keyhook").getCollection("things");
    }
}
