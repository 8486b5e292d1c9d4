package io.keyhook.server.infra.postgres;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The embedded PostgreSQL: durable settings, and a start after a kill -9 of the JVM that ran it. */
class EmbeddedPostgresServerTest {

    @TempDir
    Path dataDir;

    @Test
    void commitsAreDurableDespiteTheLibrarysTestDefaults() throws Exception {
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(dataDir)) {
            assertThat(setting(postgres, "fsync")).isEqualTo("on");
            assertThat(setting(postgres, "synchronous_commit")).isEqualTo("on");
            assertThat(setting(postgres, "full_page_writes")).isEqualTo("on");
            assertThat(setting(postgres, "listen_addresses")).isEqualTo("localhost");
            assertThat(setting(postgres, "max_wal_size")).as("bounds the WAL directory").isEqualTo("64MB");
            assertThat(setting(postgres, "wal_compression")).isNotEqualTo("off");
            assertThat(query(postgres, "SELECT current_database()")).isEqualTo(EmbeddedPostgresServer.DATABASE);
        }
        assertThat(EmbeddedPostgresServer.postmasterOf(dataDir.resolve(EmbeddedPostgresServer.DIRECTORY))).isEmpty();
    }

    @Test
    void onlyThePasswordInTheDataDirOpensIt() throws Exception {
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(dataDir)) {
            assertThatThrownBy(() -> DriverManager.getConnection(postgres.jdbcUrl(), EmbeddedPostgresServer.USER, ""))
                    .isInstanceOf(SQLException.class).hasMessageContaining("password");
            assertThatThrownBy(() -> DriverManager.getConnection(postgres.jdbcUrl(), EmbeddedPostgresServer.USER, "guess"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
            assertThat(Files.getPosixFilePermissions(dataDir.resolve(EmbeddedPostgresServer.PASSWORD_FILE)))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        }
        try (EmbeddedPostgresServer again = EmbeddedPostgresServer.start(dataDir)) {
            assertThat(query(again, "SELECT 1")).isEqualTo("1");
        }
        assertThat(EmbeddedPostgresServer.postmasterOf(dataDir.resolve(EmbeddedPostgresServer.DIRECTORY))).isEmpty();
    }

    @Test
    void aPostmasterOrphanedByAKilledJvmIsStoppedAndItsDataServedAgainWithDurableSettings() throws Exception {
        Process jvm = startPostmasterLeftBehind();
        jvm.destroyForcibly();
        assertThat(jvm.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Path directory = dataDir.resolve(EmbeddedPostgresServer.DIRECTORY);
        ProcessHandle orphan = EmbeddedPostgresServer.postmasterOf(directory).orElseThrow();
        assertThat(orphan.isAlive()).isTrue();

        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(dataDir)) {
            assertThat(orphan.isAlive()).as("the orphan was stopped").isFalse();
            assertThat(EmbeddedPostgresServer.postmasterOf(directory).orElseThrow().pid()).isNotEqualTo(orphan.pid());
            assertThat(query(postgres, "SELECT note FROM survivor")).isEqualTo("written before the kill");
            assertThat(setting(postgres, "fsync")).isEqualTo("on");
            assertThat(setting(postgres, "synchronous_commit")).isEqualTo("on");
        } finally {
            if (orphan.isAlive()) {
                orphan.destroyForcibly();
            }
        }
    }

    @Test
    void onAnotherAddressOfThisHostItListensThereTooAndAsksForThePasswordThere() throws Exception {
        InetAddress address = siteAddressOfThisHost();
        assumeTrue(address != null, "this host has no address but loopback");
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(dataDir, 0, address)) {
            assertThat(setting(postgres, "listen_addresses")).isEqualTo("localhost," + address.getHostAddress());
            String url = "jdbc:postgresql://" + address.getHostAddress() + ":" + postgres.port() + "/"
                    + EmbeddedPostgresServer.DATABASE;
            try (Connection connection = DriverManager.getConnection(url, EmbeddedPostgresServer.USER, postgres.password());
                 Statement statement = connection.createStatement();
                 ResultSet result = statement.executeQuery("SELECT inet_server_addr()::text")) {
                assertThat(result.next()).isTrue();
                assertThat(result.getString(1)).startsWith(address.getHostAddress());
            }
            assertThatThrownBy(() -> DriverManager.getConnection(url, EmbeddedPostgresServer.USER, "guess"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
        }
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(dataDir)) {
            assertThat(setting(postgres, "listen_addresses")).as("back to the default").isEqualTo("localhost");
            assertThat(Files.readString(dataDir.resolve(EmbeddedPostgresServer.DIRECTORY).resolve("pg_hba.conf")))
                    .doesNotContain("all all all");
        }
    }

    private static InetAddress siteAddressOfThisHost() throws SocketException {
        return NetworkInterface.networkInterfaces().filter(EmbeddedPostgresServerTest::isUp)
                .flatMap(NetworkInterface::inetAddresses)
                .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress()
                        && !address.isLinkLocalAddress())
                .findFirst().orElse(null);
    }

    private static boolean isUp(NetworkInterface network) {
        try {
            return network.isUp();
        } catch (SocketException e) {
            return false;
        }
    }

    @Test
    void aStartOnADataDirThatARunningJvmServesIsRefusedAndLeavesItsPostgresRunning() throws Exception {
        Process jvm = startPostmasterLeftBehind();
        try {
            ProcessHandle running = EmbeddedPostgresServer.postmasterOf(dataDir.resolve(EmbeddedPostgresServer.DIRECTORY))
                    .orElseThrow();
            assertThatThrownBy(() -> EmbeddedPostgresServer.start(dataDir)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("in use by another Keyhook process");
            assertThat(running.isAlive()).as("the running JVM's PostgreSQL").isTrue();
        } finally {
            jvm.destroyForcibly();
            assertThat(jvm.waitFor(30, TimeUnit.SECONDS)).isTrue();
            EmbeddedPostgresServer.postmasterOf(dataDir.resolve(EmbeddedPostgresServer.DIRECTORY)).ifPresent(orphan -> {
                orphan.destroy();
                orphan.onExit().orTimeout(30, TimeUnit.SECONDS).join();
            });
        }
    }

    /** A JVM that has started PostgreSQL on the data dir, written a row, and waits to be killed. */
    private Process startPostmasterLeftBehind() throws Exception {
        Process jvm = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PostmasterLeftBehind.class.getName(), dataDir.toString()))
                .redirectErrorStream(true).start();
        try (BufferedReader output = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            do {
                line = output.readLine();
            } while (line != null && !line.equals("ready"));
            assertThat(line).as("the child JVM started PostgreSQL").isEqualTo("ready");
            return jvm;
        } catch (Exception | AssertionError failure) {
            jvm.destroyForcibly();
            throw failure;
        }
    }

    private static String setting(EmbeddedPostgresServer postgres, String name) throws SQLException {
        return query(postgres, "SHOW " + name);
    }

    private static String query(EmbeddedPostgresServer postgres, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), EmbeddedPostgresServer.USER, postgres.password());
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            assertThat(result.next()).isTrue();
            return result.getString(1);
        }
    }
}
