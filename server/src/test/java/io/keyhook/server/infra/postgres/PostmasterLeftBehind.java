package io.keyhook.server.infra.postgres;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * A JVM that starts the embedded PostgreSQL on the directory it is given, writes one row, says
 * {@code ready} and waits to be killed: what a Keyhook killed with -9 leaves behind.
 */
public final class PostmasterLeftBehind {

    public static void main(String[] args) throws Exception {
        EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(Path.of(args[0]));
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), EmbeddedPostgresServer.USER, postgres.password());
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE survivor (note TEXT)");
            statement.execute("INSERT INTO survivor VALUES ('written before the kill')");
        }
        System.out.println("ready");
        System.out.flush();
        Thread.currentThread().join();
    }
}
