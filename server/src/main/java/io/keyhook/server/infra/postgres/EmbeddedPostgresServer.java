package io.keyhook.server.infra.postgres;

import io.keyhook.server.infra.SecretFiles;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The PostgreSQL server of the embedded default: a real PostgreSQL process started from the JVM on
 * {@code <data-dir>/postgres}, durable as any other (fsync and synchronous commit on: a commit it
 * acknowledged survives a kill -9 of it or of the JVM).
 * <p>The embedding library starts PostgreSQL the way a test wants it ({@code -F}, i.e. fsync off, and
 * {@code synchronous_commit=off}); both are overridden here. A postmaster outlives a kill -9 of the JVM
 * that started it, and on the same port the library would silently reuse it with whatever settings it
 * had: it is stopped first, unless the data dir is locked by a JVM that is still running
 * ({@code <data-dir>/postgres.lock}): a second start on a data dir in use is refused instead.
 * <p>It listens on localhost only, and asks for a password there: the one generated once into
 * {@code <data-dir>/postgres-password}. The library initialises a new cluster with {@code trust}
 * for everyone; the first start sets the password and switches to {@code scram-sha-256}. The storage
 * mode can make it listen on another address too, with the same password required from everywhere.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    public static final String DIRECTORY = "postgres";
    public static final String DATABASE = "keyhook";
    public static final String USER = "postgres";
    private static final Duration ORPHAN_STOP_TIMEOUT = Duration.ofSeconds(30);
    /** Includes crash recovery after a kill -9, which replays the write-ahead log. */
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);

    public static final String PASSWORD_FILE = "postgres-password";
    static final String LOCK_FILE = "postgres.lock";
    private static final String PASSWORD_ONLY = """
            # Written by Keyhook at every start: a password for everyone, over TCP and the local socket.
            local all all scram-sha-256
            host  all all 127.0.0.1/32 scram-sha-256
            host  all all ::1/128 scram-sha-256
            """;
    private static final String FROM_ANYWHERE = "host  all all all scram-sha-256\n";

    private final EmbeddedPostgres postgres;
    private final String password;
    private final FileLock lock;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres, String password, FileLock lock) {
        this.postgres = postgres;
        this.password = password;
        this.lock = lock;
    }

    /** Starts PostgreSQL on {@code <dataDir>/postgres} (initialised on first use) with a database {@value #DATABASE}. */
    public static EmbeddedPostgresServer start(Path dataDir) {
        return start(dataDir, 0, InetAddress.getLoopbackAddress());
    }

    /**
     * The same on a given port ({@code 0}: a free one) and address. It always listens on localhost as
     * well: the library checks readiness there.
     */
    public static EmbeddedPostgresServer start(Path dataDir, int port, InetAddress listenAddress) {
        Path directory = dataDir.resolve(DIRECTORY);
        FileLock lock = lock(dataDir);
        EmbeddedPostgres postgres = null;
        try {
            stopOrphanedPostmaster(directory);
            long started = System.nanoTime();
            Files.createDirectories(directory);
            String password = password(dataDir);
            postgres = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(directory)
                    .setCleanDataDirectory(false)
                    // Stopped by the application after everything that uses it (see EmbeddedStorageInitializer).
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(STARTUP_TIMEOUT)
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    // The WAL directory grows to max_wal_size (default 1 GB) before a checkpoint lets its
                    // segments be recycled: under a steady audit load that was most of the data dir. 64 MB
                    // bounds it (checkpoints come more often, and so does the first write of a page
                    // after one, in full: compressing those page images keeps the WAL small anyway;
                    // crash recovery has less to replay). Durability is unchanged.
                    .setServerConfig("max_wal_size", "64MB")
                    .setServerConfig("min_wal_size", "32MB")
                    .setServerConfig("wal_compression", "on")
                    .setServerConfig("listen_addresses", listenAddresses(listenAddress))
                    // PostgreSQL's own log, in <data-dir>/postgres/log, instead of nowhere.
                    .setServerConfig("logging_collector", "on")
                    .setServerConfig("password_encryption", "scram-sha-256")
                    .setConnectConfig("password", password)
                    .start();
            EmbeddedPostgresServer server = new EmbeddedPostgresServer(postgres, password, lock);
            server.requirePassword(directory, listenAddress.isLoopbackAddress() ? PASSWORD_ONLY : PASSWORD_ONLY + FROM_ANYWHERE);
            server.createDatabase();
            log.info("Event store: embedded PostgreSQL on port {} in {}, ready in {} ms", postgres.getPort(), directory,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            return server;
        } catch (IOException | RuntimeException failure) {
            if (postgres != null) {
                closeQuietly(postgres);
            }
            release(lock);
            if (failure instanceof IOException e) {
                throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + directory
                        + " (its own log is in " + directory.resolve("log") + ")", e);
            }
            throw (RuntimeException) failure;
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + DATABASE;
    }

    public int port() {
        return postgres.getPort();
    }

    public String password() {
        return password;
    }

    /** Fast shutdown: open transactions are rolled back, committed ones are on disk already. */
    @Override
    public void close() {
        closeQuietly(postgres);
        release(lock);
    }

    private static void closeQuietly(EmbeddedPostgres postgres) {
        try {
            postgres.close();
        } catch (IOException e) {
            log.warn("Could not stop the embedded PostgreSQL cleanly: {}", e.toString());
        }
    }

    /**
     * Held by the JVM that runs PostgreSQL on the data dir, and released by the system when that JVM
     * dies: a live postmaster on a data dir whose lock is free is an orphan, and one on a locked data
     * dir belongs to a running Keyhook, which must not lose it to a second start.
     */
    private static FileLock lock(Path dataDir) {
        Path file = dataDir.resolve(LOCK_FILE);
        try {
            Files.createDirectories(dataDir);
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = null;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException heldInThisJvm) {
                // the same answer as from another JVM
            }
            if (lock == null) {
                channel.close();
                throw new IllegalStateException("the data dir " + dataDir + " is in use by another Keyhook process ("
                        + file + " is locked): stop it first, or start on another data dir");
            }
            return lock;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + file, e);
        }
    }

    private static void release(FileLock lock) {
        try {
            lock.channel().close();
        } catch (IOException e) {
            log.warn("Could not release {}: {}", LOCK_FILE, e.toString());
        }
    }

    private static String password(Path dataDir) {
        byte[] secret = SecretFiles.configuredOrGenerated(null, null, dataDir.resolve(PASSWORD_FILE), 24, true,
                new SecureRandom(), "embedded PostgreSQL password");
        // The password is the file's content: tools that connect to the embedded server read it from there.
        return Base64.getEncoder().encodeToString(secret);
    }

    /** PostgreSQL's syntax: {@code *} for every interface, else a list (without spaces: the library passes it unquoted). */
    private static String listenAddresses(InetAddress address) {
        if (address.isLoopbackAddress()) {
            return "localhost";
        }
        if (address.isAnyLocalAddress()) {
            return "*";
        }
        return "localhost," + address.getHostAddress();
    }

    /** Idempotent: sets the password (again) and makes the server ask for it from now on. */
    private void requirePassword(Path directory, String hba) throws IOException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            // The password is base64: no quote can end the literal.
            statement.execute("ALTER ROLE " + USER + " PASSWORD '" + password + "'");
            Path hbaFile = directory.resolve("pg_hba.conf");
            if (!Files.readString(hbaFile, StandardCharsets.UTF_8).equals(hba)) {
                Files.writeString(hbaFile, hba, StandardCharsets.UTF_8);
                statement.execute("SELECT pg_reload_conf()");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set the password of the embedded PostgreSQL", e);
        }
    }

    private void createDatabase() {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            boolean exists;
            try (var result = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                exists = result.next();
            }
            if (!exists) {
                statement.execute("CREATE DATABASE " + DATABASE);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the database " + DATABASE + " in the embedded PostgreSQL", e);
        }
    }

    /**
     * A postmaster named in {@code postmaster.pid} that is still alive belongs to a JVM that died
     * without stopping it: its clients are gone, so a smart shutdown (SIGTERM) ends it.
     */
    static void stopOrphanedPostmaster(Path directory) {
        Optional<ProcessHandle> orphan = postmasterOf(directory);
        if (orphan.isEmpty()) {
            return;
        }
        ProcessHandle postmaster = orphan.get();
        log.warn("Stopping the PostgreSQL server (pid {}) that a previous run left on {}", postmaster.pid(), directory);
        long started = System.nanoTime();
        postmaster.destroy();
        if (!waitForExit(postmaster, ORPHAN_STOP_TIMEOUT)) {
            log.warn("PostgreSQL (pid {}) did not stop within {} s: killing it", postmaster.pid(),
                    ORPHAN_STOP_TIMEOUT.toSeconds());
            postmaster.destroyForcibly();
            if (!waitForExit(postmaster, ORPHAN_STOP_TIMEOUT)) {
                throw new IllegalStateException("the PostgreSQL server (pid " + postmaster.pid() + ") on " + directory
                        + " does not stop; stop it and start again");
            }
        }
        log.info("Stopped it in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /** The live postmaster named in the directory's pid file, if there is one. */
    public static Optional<ProcessHandle> postmasterOf(Path directory) {
        Path pidFile = directory.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.US_ASCII);
            if (lines.isEmpty() || lines.get(0).isBlank()) {
                return Optional.empty();
            }
            long pid = Long.parseLong(lines.get(0).strip());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(EmbeddedPostgresServer::isPostgres);
        } catch (IOException | NumberFormatException e) {
            log.warn("Ignoring an unreadable {}: {}", pidFile, e.toString());
            return Optional.empty();
        }
    }

    /** A pid in a stale pid file can belong to an unrelated process by now: never signal that one. */
    private static boolean isPostgres(ProcessHandle process) {
        return process.info().command().map(command -> Path.of(command).getFileName().toString())
                .map(name -> name.equals("postgres") || name.equals("postmaster"))
                .orElse(false);
    }

    private static boolean waitForExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }
}
