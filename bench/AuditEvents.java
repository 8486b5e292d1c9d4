import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;

/**
 * For bench/audit.sh: appends N copies of the newest usage audit event (ApiKeyUsageRecorded) to the
 * embedded event store of a running server, each with an event id of its own, in one transaction,
 * as if N more key-authenticated requests had been made (far faster than making them), and prints
 * what they added to the event table and to its indexes (pg_relation_size, pg_indexes_size).
 * Arguments: the server's data dir and N.
 */
public class AuditEvents {

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        int copies = Integer.parseInt(args[1]);
        List<String> pidFile = Files.readAllLines(dataDir.resolve("postgres/postmaster.pid"), StandardCharsets.US_ASCII);
        Properties credentials = new Properties();
        credentials.setProperty("user", "postgres");
        credentials.setProperty("password",
                Files.readString(dataDir.resolve("postgres-password"), StandardCharsets.US_ASCII).stripTrailing());
        credentials.setProperty("ApplicationName", "audit-bench");
        String url = "jdbc:postgresql://127.0.0.1:" + pidFile.get(3).strip() + "/keyhook";
        try (Connection db = DriverManager.getConnection(url, credentials);
             PreparedStatement copy = db.prepareStatement("""
                     INSERT INTO domainevententry (aggregateidentifier, sequencenumber, type, eventidentifier, metadata,
                                                   payload, payloadrevision, payloadtype, timestamp)
                     SELECT id, 0, e.type, id, e.metadata, e.payload, e.payloadrevision, e.payloadtype, e.timestamp
                     FROM (SELECT gen_random_uuid()::text AS id FROM generate_series(1, ?)) ids,
                          (SELECT * FROM domainevententry WHERE payloadtype = 'io.keyhook.api.apikey.ApiKeyUsageRecorded'
                           ORDER BY globalindex DESC LIMIT 1) e""")) {
            long[] before = sizes(db);
            copy.setInt(1, copies);
            int appended = copy.executeUpdate();
            long[] after = sizes(db);
            System.out.printf("event store: %d bytes per copied event (table %d, its indexes %d)%n",
                    (after[0] + after[1] - before[0] - before[1]) / copies, (after[0] - before[0]) / copies,
                    (after[1] - before[1]) / copies);
            if (appended != copies) {
                throw new IllegalStateException("appended " + appended + " of " + copies
                        + " copies: is there a usage event to copy?");
            }
        }
    }

    /** Bytes of the event table (with its TOAST) and of its indexes. */
    static long[] sizes(Connection db) throws Exception {
        try (Statement statement = db.createStatement();
             ResultSet result = statement.executeQuery("SELECT pg_table_size('domainevententry'),"
                     + " pg_indexes_size('domainevententry')")) {
            result.next();
            return new long[] {result.getLong(1), result.getLong(2)};
        }
    }
}
