package io.keyhook.server.infra.postgres;

import io.keyhook.server.Api;
import io.keyhook.server.SecondApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code keyhook.postgres.url} points the application at a PostgreSQL of one's own: its schema is
 * migrated there, events land there, and no PostgreSQL is started in the data dir.
 */
class ExternalPostgresTest {

    @TempDir
    Path serverDir;

    @TempDir
    Path dataDir;

    @Test
    void theConfiguredPostgresHoldsTheEventsAndNoneIsStarted() throws Exception {
        try (EmbeddedPostgresServer external = EmbeddedPostgresServer.start(serverDir)) {
            execute(external, "postgres", "CREATE ROLE keyhook LOGIN PASSWORD 'keyhook secret'");
            execute(external, "postgres", "CREATE DATABASE keyhook_shared OWNER keyhook");
            String url = "jdbc:postgresql://localhost:" + external.port() + "/keyhook_shared";

            String itemId;
            try (ConfigurableApplicationContext app = SecondApplication.start(dataDir, "--keyhook.postgres.url=" + url,
                    "--keyhook.postgres.username=keyhook", "--keyhook.postgres.password=keyhook secret")) {
                Api api = SecondApplication.api(app);
                itemId = api.createItem(api.signup("Acme"), "Bolt", 10, 3).get("id").asText();
            }

            assertThat(dataDir.resolve(EmbeddedPostgresServer.DIRECTORY)).doesNotExist();
            assertThat(Files.exists(dataDir.resolve(EmbeddedPostgresServer.PASSWORD_FILE))).isFalse();
            try (Connection connection = DriverManager.getConnection(url, "keyhook", "keyhook secret");
                 Statement statement = connection.createStatement()) {
                assertThat(count(statement, "SELECT count(*) FROM domainevententry WHERE aggregateidentifier = '"
                        + itemId + "'")).isEqualTo(1);
                assertThat(count(statement, "SELECT count(*) FROM flyway_schema_history WHERE success")).isEqualTo(5);
                assertThat(count(statement, "SELECT count(*) FROM tokenentry")).isPositive();
            }
        }
    }

    private static void execute(EmbeddedPostgresServer server, String database, String sql) throws SQLException {
        String url = "jdbc:postgresql://localhost:" + server.port() + "/" + database;
        try (Connection connection = DriverManager.getConnection(url, EmbeddedPostgresServer.USER, server.password());
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static long count(Statement statement, String sql) throws SQLException {
        try (ResultSet result = statement.executeQuery(sql)) {
            assertThat(result.next()).isTrue();
            return result.getLong(1);
        }
    }
}
