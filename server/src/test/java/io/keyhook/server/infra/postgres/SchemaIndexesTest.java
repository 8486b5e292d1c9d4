package io.keyhook.server.infra.postgres;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The migrations give every query that the event store, token store, saga store and scheduler run on
 * the hot path an index: with sequential scans priced out, PostgreSQL still finds a plan without one.
 * The statements are the shapes those libraries send (Axon's JDBC statement builders, db-scheduler's
 * lock-and-fetch), with literals in place of parameters.
 */
class SchemaIndexesTest {

    @TempDir
    static Path dataDir;

    private static EmbeddedPostgresServer postgres;

    @BeforeAll
    static void migrate() {
        postgres = EmbeddedPostgresServer.start(dataDir);
        Flyway.configure().dataSource(postgres.jdbcUrl(), EmbeddedPostgresServer.USER, postgres.password())
                .locations("classpath:db/migration").load().migrate();
    }

    @AfterAll
    static void stop() {
        postgres.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // an aggregate's events, its last sequence number, its snapshot
            "SELECT * FROM domainevententry WHERE aggregateidentifier = 'a' AND sequencenumber >= 0 ORDER BY sequencenumber ASC",
            "SELECT max(sequencenumber) FROM domainevententry WHERE aggregateidentifier = 'a'",
            "SELECT * FROM snapshotevententry WHERE aggregateidentifier = 'a' ORDER BY sequencenumber DESC",
            // tracking processors: the next batch (with the gaps of the gap-aware token), the head
            "SELECT * FROM domainevententry WHERE (globalindex > 10 AND globalindex <= 110) OR globalindex IN (3, 7) ORDER BY globalindex ASC",
            "SELECT max(globalindex) FROM domainevententry",
            "SELECT * FROM tokenentry WHERE processorname = 'items' AND segment = 0 FOR UPDATE",
            // sagas: found by association, loaded, their associations removed
            "SELECT sagaid FROM associationvalueentry WHERE associationkey = 'deliveryId' AND associationvalue = 'd' AND sagatype = 's'",
            "SELECT serializedsaga, sagatype, revision FROM sagaentry WHERE sagaid = 's'",
            "DELETE FROM associationvalueentry WHERE sagaid = 's' AND sagatype = 't'",
            // db-scheduler: claim due executions, find dead ones, complete or cancel one
            "SELECT task_name, task_instance FROM scheduled_tasks WHERE picked = false AND execution_time <= now()"
                    + " ORDER BY priority DESC, execution_time ASC FOR UPDATE SKIP LOCKED LIMIT 20",
            "SELECT * FROM scheduled_tasks WHERE picked = true AND last_heartbeat <= now() ORDER BY last_heartbeat ASC",
            "DELETE FROM scheduled_tasks WHERE task_name = 'webhook-attempt-due' AND task_instance = 'i' AND version = 1"})
    void everyHotQueryHasAnIndex(String query) throws SQLException {
        List<String> plan = explain(query);

        assertThat(plan).as(String.join("\n", plan)).noneMatch(line -> line.contains("Seq Scan"));
        assertThat(plan).anyMatch(line -> line.contains("Index"));
    }

    private static List<String> explain(String query) throws SQLException {
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), EmbeddedPostgresServer.USER,
                postgres.password());
             Statement statement = connection.createStatement()) {
            statement.execute("SET enable_seqscan = off");
            List<String> plan = new ArrayList<>();
            try (ResultSet result = statement.executeQuery("EXPLAIN " + query)) {
                while (result.next()) {
                    plan.add(result.getString(1));
                }
            }
            return plan;
        }
    }
}
