import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The storage benchmark (run by bench/storage.sh) against a running server and its embedded
 * PostgreSQL:
 * <ol>
 * <li>the store itself: checks that fsync and synchronous_commit are on, then times small autocommit
 * INSERTs into a table of a scratch schema ({@code bench_scratch}, dropped afterwards), from 1 and from
 * 8 connections, with the CPU time the PostgreSQL processes and this JVM used per commit;</li>
 * <li>Keyhook writes: signs up, then sends N {@code POST /api/v1/items} from C concurrent clients and
 * reports writes/s, the server JVM's and the database's CPU time per write and the PostgreSQL
 * transactions committed in database {@code keyhook} per write.</li>
 * </ol>
 * <p>Arguments: base URL, data dir, the server's PID, clock ticks per second ({@code getconf CLK_TCK}),
 * N, C, the number of warm-up writes, and a file to which the summary lines are appended. CPU times
 * come from /proc/&lt;pid&gt;/stat: utime + stime of the server JVM; utime + stime + cutime + cstime of
 * the postmaster (named on the first line of {@code <data-dir>/postgres/postmaster.pid}) and of each
 * of its live descendants. Exits with status 1 on any error, 3 if some write was not answered 201
 * (after printing everything).
 */
public class StorageBench {

    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    /** Bounds each batch of commits or writes. */
    static final Duration PHASE_TIMEOUT = Duration.ofMinutes(10);
    /** How long to wait, at most, for the server to go idle after a batch of writes. */
    static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(60);

    static Path dataDir;
    static long serverPid;
    static long postmasterPid;
    static long ticksPerSecond;
    static Path summary;

    public static void main(String[] args) {
        // µ whatever the locale.
        System.setOut(new java.io.PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8));
        int status;
        try {
            status = run(args);
        } catch (Throwable e) {
            e.printStackTrace();
            status = 1;
        }
        // The HTTP client's threads would keep the JVM alive.
        System.exit(status);
    }

    static int run(String[] args) throws Exception {
        String base = args[0];
        dataDir = Path.of(args[1]);
        serverPid = Long.parseLong(args[2]);
        ticksPerSecond = Long.parseLong(args[3]);
        int writes = Integer.parseInt(args[4]);
        int clients = Integer.parseInt(args[5]);
        int warmup = Integer.parseInt(args[6]);
        summary = Path.of(args[7]);

        List<String> pidFile = Files.readAllLines(dataDir.resolve("postgres/postmaster.pid"), StandardCharsets.US_ASCII);
        postmasterPid = Long.parseLong(pidFile.get(0).strip());
        int port = Integer.parseInt(pidFile.get(3).strip());
        Properties credentials = new Properties();
        credentials.setProperty("user", "postgres");
        credentials.setProperty("password",
                Files.readString(dataDir.resolve("postgres-password"), StandardCharsets.US_ASCII).stripTrailing());
        credentials.setProperty("ApplicationName", "storage-bench");
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/keyhook";

        try (Connection admin = DriverManager.getConnection(url, credentials)) {
            admin.setAutoCommit(true);
            store(admin, url, credentials, port);
            return keyhookWrites(admin, base, writes, clients, warmup);
        }
    }

    // ---- 1. the store itself

    record Commits(int threads, int perThread, double seconds, long dbTicks, long clientCpuNanos) {
        int total() {
            return threads * perThread;
        }
    }

    static void store(Connection admin, String url, Properties credentials, int port) throws Exception {
        String fsync = show(admin, "fsync");
        String synchronousCommit = show(admin, "synchronous_commit");
        line("postgres %s on 127.0.0.1:%d (postmaster %d): fsync=%s, synchronous_commit=%s, wal_sync_method=%s, shared_buffers=%s",
                show(admin, "server_version"), port, postmasterPid, fsync, synchronousCommit,
                show(admin, "wal_sync_method"), show(admin, "shared_buffers"));
        if (!fsync.equals("on") || !synchronousCommit.equals("on")) {
            throw new IllegalStateException("the embedded PostgreSQL is not durable: fsync=" + fsync
                    + ", synchronous_commit=" + synchronousCommit + " (both must be on)");
        }
        summary("postgres settings: fsync=%s, synchronous_commit=%s", fsync, synchronousCommit);
        try (Statement statement = admin.createStatement()) {
            statement.execute("CREATE SCHEMA bench_scratch");
        }
        try {
            try (Statement statement = admin.createStatement()) {
                statement.execute("CREATE TABLE bench_scratch.commits (id bigserial PRIMARY KEY, thread int NOT NULL,"
                        + " payload text NOT NULL)");
            }
            commits(url, credentials, 1, 200); // warm-up: JIT, connection, table
            for (int[] run : new int[][] {{1, 3000}, {8, 750}}) {
                Commits result = commits(url, credentials, run[0], run[1]);
                String text = String.format(Locale.ROOT,
                        "postgres commits, %d thread%s x %d: %5.0f commits/s, %4.0f µs database CPU, %4.0f µs client CPU per commit",
                        result.threads(), result.threads() == 1 ? " " : "s", result.perThread(),
                        result.total() / result.seconds(), micros(result.dbTicks()) / result.total(),
                        result.clientCpuNanos() / 1e3 / result.total());
                line("%s  [load %s]", text, load());
                summary("%s  [load %s]", text, load());
            }
            try (Statement statement = admin.createStatement();
                 ResultSet count = statement.executeQuery("SELECT count(*) FROM bench_scratch.commits")) {
                count.next();
                long expected = 200 + 3000 + 8 * 750;
                if (count.getLong(1) != expected) {
                    throw new IllegalStateException("the scratch table has " + count.getLong(1) + " rows, not " + expected);
                }
            }
        } finally {
            try (Statement statement = admin.createStatement()) {
                statement.execute("DROP SCHEMA bench_scratch CASCADE");
            }
        }
    }

    /** {@code threads} connections, each committing {@code perThread} single-row INSERTs (~200 bytes) in autocommit. */
    static Commits commits(String url, Properties credentials, int threads, int perThread) throws Exception {
        List<Connection> connections = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int i = 0; i < threads; i++) {
                Connection connection = DriverManager.getConnection(url, credentials);
                connection.setAutoCommit(true);
                connections.add(connection);
            }
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int thread = i;
                Connection connection = connections.get(i);
                futures.add(pool.submit(() -> {
                    String payload = payload(thread);
                    try (PreparedStatement insert = connection.prepareStatement(
                            "INSERT INTO bench_scratch.commits (thread, payload) VALUES (?, ?)")) {
                        ready.countDown();
                        go.await();
                        for (int n = 0; n < perThread; n++) {
                            insert.setInt(1, thread);
                            insert.setString(2, payload);
                            if (insert.executeUpdate() != 1) {
                                throw new IllegalStateException("an INSERT did not insert one row");
                            }
                        }
                    }
                    return null;
                }));
            }
            if (!ready.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the committing threads were not ready within 60 s");
            }
            long db = dbTicks();
            long client = clientCpuNanos();
            long started = System.nanoTime();
            go.countDown();
            long deadline = started + PHASE_TIMEOUT.toNanos();
            for (Future<?> future : futures) {
                future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            return new Commits(threads, perThread, seconds, dbTicks() - db, clientCpuNanos() - client);
        } finally {
            pool.shutdownNow();
            for (Connection connection : connections) {
                connection.close();
            }
        }
    }

    static String payload(int thread) {
        StringBuilder text = new StringBuilder(200);
        while (text.length() < 200) {
            text.append("thread ").append(thread).append(" commits a row of about two hundred bytes; ");
        }
        return text.substring(0, 200);
    }

    static String show(Connection connection, String setting) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery("SHOW " + setting)) {
            result.next();
            return result.getString(1);
        }
    }

    // ---- 2. Keyhook writes

    record Sample(long nanos, long serverTicks, long jitTicks, long dbTicks, long commits) {
    }

    record Writes(int created, List<String> others, long[] latencies, double seconds) {
    }

    static int keyhookWrites(Connection admin, String base, int n, int clients, int warmup) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> signup = http.send(json(base + "/api/v1/auth/signup", null,
                "{\"organization\":\"Storage bench\",\"email\":\"storage-" + System.nanoTime()
                        + "@example.com\",\"password\":\"bench password\"}"), HttpResponse.BodyHandlers.ofString());
        if (signup.statusCode() != 201 && signup.statusCode() != 200) {
            throw new IllegalStateException("signup answered " + signup.statusCode() + ": " + signup.body());
        }
        String token = field(signup.body(), "token");

        // What the server does on its own (event processors polling, the deadline scheduler).
        Sample idleStart = sample(admin);
        Thread.sleep(5000);
        Sample idleEnd = sample(admin);
        double idleSeconds = (idleEnd.nanos() - idleStart.nanos()) / 1e9;
        double idleCommitsPerSecond = (idleEnd.commits() - idleStart.commits()) / idleSeconds;
        double idleServerShare = (idleEnd.serverTicks() - idleStart.serverTicks()) / (double) ticksPerSecond / idleSeconds;
        double idleDbShare = (idleEnd.dbTicks() - idleStart.dbTicks()) / (double) ticksPerSecond / idleSeconds;
        line("idle server, over %.0f s: %.1f PostgreSQL commits/s, server %.1f%% and database %.1f%% of a core  [load %s]",
                idleSeconds, idleCommitsPerSecond, idleServerShare * 100, idleDbShare * 100, load());
        double quiet = Math.max(0.05, 2 * idleServerShare);

        if (warmup > 0) {
            Writes warm = writes(http, base, token, warmup, clients, "Warm-up");
            line("warm-up: %d writes in %.1f s (%d not 201)", warmup, warm.seconds(), warm.others().size());
            settle(quiet);
        }

        String profile = System.getenv().getOrDefault("PROFILE", "");
        if (!profile.isEmpty()) {
            jcmd("JFR.start", "name=storage-bench", "settings=profile", "filename=" + profile);
        }
        Sample start = sample(admin);
        Writes result = writes(http, base, token, n, clients, "Item");
        double settled = settle(quiet);
        Sample end = sample(admin);
        if (!profile.isEmpty()) {
            jcmd("JFR.stop", "name=storage-bench");
            line("flight recording of the measured writes: %s", profile);
        }

        double window = (end.nanos() - start.nanos()) / 1e9;
        long[] latencies = result.latencies();
        Arrays.sort(latencies);
        String text = String.format(Locale.ROOT,
                "keyhook writes, %d clients x %d: %4.0f writes/s (p50 %.0f ms, p99 %.0f ms); per write %.2f ms server CPU"
                        + " (of it %.2f ms JIT compiler), %.2f ms database CPU, %.1f PostgreSQL commits",
                clients, n, result.created() / result.seconds(), percentile(latencies, 0.50) / 1e6,
                percentile(latencies, 0.99) / 1e6, millis(end.serverTicks() - start.serverTicks()) / n,
                millis(end.jitTicks() - start.jitTicks()) / n,
                millis(end.dbTicks() - start.dbTicks()) / n, (end.commits() - start.commits()) / (double) n);
        line("%s  [load %s]", text, load());
        line("  %d answered 201, %d not; %.1f s of requests, then %.1f s until the server was idle: CPU and commits"
                        + " are over those %.1f s, the commits (xact_commit of database keyhook) including the event"
                        + " processors' and the scheduler's own (idle: %.1f/s)",
                result.created(), result.others().size(), result.seconds(), settled, window, idleCommitsPerSecond);
        summary("%s  [load %s]", text, load());
        summary("  (%d of %d answered 201; commits include the processors' and scheduler's own, idle %.1f/s)",
                result.created(), n, idleCommitsPerSecond);
        if (!result.others().isEmpty()) {
            Map<String, Integer> kinds = new ConcurrentHashMap<>();
            result.others().forEach(other -> kinds.merge(other, 1, Integer::sum));
            kinds.entrySet().stream().limit(5).forEach(kind ->
                    System.out.println("  not 201 (" + kind.getValue() + "x): " + kind.getKey()));
            return 3;
        }
        return 0;
    }

    /** Runs a diagnostic command in the server's JVM; its output goes to this one's. */
    static void jcmd(String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of("jcmd", Long.toString(serverPid)));
        line.addAll(List.of(command));
        int status = new ProcessBuilder(line).inheritIO().start().waitFor();
        if (status != 0) {
            throw new IllegalStateException(String.join(" ", line) + " exited with status " + status);
        }
    }

    static Writes writes(HttpClient http, String base, String token, int n, int clients, String name) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger created = new AtomicInteger();
        List<String> others = java.util.Collections.synchronizedList(new ArrayList<>());
        long[] latencies = new long[n];
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> futures = new ArrayList<>();
            long started = System.nanoTime();
            long deadline = started + PHASE_TIMEOUT.toNanos();
            for (int c = 0; c < clients; c++) {
                futures.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < n && System.nanoTime() < deadline; i = next.getAndIncrement()) {
                        String body = "{\"name\":\"" + name + " " + i + "\",\"sku\":\"" + name.toUpperCase(Locale.ROOT) + "-" + i
                                + "\",\"quantity\":" + (i % 1000) + ",\"lowStockThreshold\":5}";
                        long sent = System.nanoTime();
                        try {
                            HttpResponse<String> answer = http.send(json(base + "/api/v1/items", token, body),
                                    HttpResponse.BodyHandlers.ofString());
                            if (answer.statusCode() == 201) {
                                created.incrementAndGet();
                            } else {
                                String text = answer.body();
                                others.add(answer.statusCode() + " " + text.substring(0, Math.min(200, text.length())));
                            }
                        } catch (IOException e) {
                            others.add(e.toString());
                        }
                        latencies[i] = System.nanoTime() - sent;
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(Math.max(1, deadline + REQUEST_TIMEOUT.toNanos() - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            if (next.get() < n) {
                throw new IllegalStateException("only " + next.get() + " of " + n + " writes were sent within " + PHASE_TIMEOUT);
            }
            return new Writes(created.get(), others, latencies, seconds);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Waits until the server used less than {@code quiet} of a core for a second (its event processors
     * have caught up), then 1.1 s more so that PostgreSQL's backends have reported their commits to
     * pg_stat_database. Returns the seconds waited.
     */
    static double settle(double quiet) throws Exception {
        long started = System.nanoTime();
        long deadline = started + SETTLE_TIMEOUT.toNanos();
        long ticks = serverTicks();
        while (true) {
            Thread.sleep(1000);
            long now = serverTicks();
            boolean idle = (now - ticks) / (double) ticksPerSecond < quiet;
            ticks = now;
            if (idle) {
                break;
            }
            if (System.nanoTime() > deadline) {
                line("  (the server was still busy %d s after the writes; measuring anyway)", SETTLE_TIMEOUT.toSeconds());
                break;
            }
        }
        Thread.sleep(1100);
        return (System.nanoTime() - started) / 1e9;
    }

    static Sample sample(Connection admin) throws Exception {
        long commits;
        try (Statement statement = admin.createStatement();
             ResultSet result = statement.executeQuery("SELECT xact_commit FROM pg_stat_database WHERE datname = 'keyhook'")) {
            if (!result.next()) {
                throw new IllegalStateException("no database keyhook in pg_stat_database");
            }
            commits = result.getLong(1);
        }
        return new Sample(System.nanoTime(), serverTicks(), jitTicks(), dbTicks(), commits);
    }

    static HttpRequest json(String url, String token, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request.build();
    }

    static String field(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json);
        if (!matcher.find()) {
            throw new IllegalStateException("no " + name + " in " + json);
        }
        return matcher.group(1);
    }

    static double percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    // ---- CPU time

    static long serverTicks() throws IOException {
        long[] ticks = ticks(serverPid);
        if (ticks == null) {
            throw new IllegalStateException("the server (" + serverPid + ") is gone");
        }
        return ticks[0] + ticks[1];
    }

    /**
     * The server's JIT compiler threads (C1, C2): part of {@link #serverTicks()}, printed beside it, since
     * a short run on 2 cores spends much of its CPU compiling.
     */
    static long jitTicks() throws IOException {
        long total = 0;
        try (var tasks = Files.list(Path.of("/proc/" + serverPid + "/task"))) {
            for (Path task : tasks.toList()) {
                String name;
                String stat;
                try {
                    name = Files.readString(task.resolve("comm"), StandardCharsets.US_ASCII).trim();
                    stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
                } catch (NoSuchFileException ended) {
                    continue;
                }
                if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
                    total += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                }
            }
        }
        return total;
    }

    /** The postmaster with the children it has reaped, and its live descendants with theirs. */
    static long dbTicks() throws IOException {
        ProcessHandle postmaster = ProcessHandle.of(postmasterPid)
                .orElseThrow(() -> new IllegalStateException("the postmaster (" + postmasterPid + ") is gone"));
        long total = 0;
        List<ProcessHandle> processes = new ArrayList<>();
        processes.add(postmaster);
        postmaster.descendants().forEach(processes::add);
        for (ProcessHandle process : processes) {
            long[] ticks = ticks(process.pid());
            // A child that ended since it was listed is counted in the postmaster's cutime and cstime.
            if (ticks != null) {
                total += ticks[0] + ticks[1] + ticks[2] + ticks[3];
            }
        }
        return total;
    }

    /** utime, stime, cutime and cstime of a process (fields 14 to 17 of proc(5)), or null if it is gone. */
    static long[] ticks(long pid) throws IOException {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            if (Files.exists(Path.of("/proc/" + pid))) {
                throw e;
            }
            return null;
        }
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // fields[0] is field 3, the state.
        return new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12]), Long.parseLong(fields[13]),
                Long.parseLong(fields[14])};
    }

    static long clientCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static double micros(long ticks) {
        return ticks * 1e6 / ticksPerSecond;
    }

    static double millis(long ticks) {
        return ticks * 1e3 / ticksPerSecond;
    }

    // ---- output

    static String load() throws IOException {
        String[] fields = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).split(" ");
        return fields[0] + " " + fields[1] + " " + fields[2];
    }

    static void line(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
    }

    static void summary(String format, Object... args) throws IOException {
        Files.writeString(summary, String.format(Locale.ROOT, format, args) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
