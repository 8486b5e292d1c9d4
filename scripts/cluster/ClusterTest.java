import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cluster test (run by scripts/cluster-test.sh). Starts the storage server and two instances, A
 * and B, with the {@code postgres} profile on it, drives the crash test's mixed load through both
 * instances alternately and then a delivery storm, kills A with SIGKILL in the middle of it (when it
 * holds picked deadlines, if it comes to that within a few seconds), keeps the load going on B,
 * watches B take over A's segments and deadlines in the database, restarts A on the same settings
 * and, with both up again, measures how long a key revoked through one instance keeps working on
 * the other and how far a shared rate limit is overshot. Then it checks the clients' record as the
 * crash test does, through B and again through A, with a receiver that fails a share of attempts:
 * every acknowledged write there, every matching event of one delivered (validly signed, answered
 * 2xx) under one webhook-id, every served key request audited.
 * <p>It is the crash test's sibling and uses its parts as they are (the client and its record, the
 * verifier, the receiver, the server process, ports, signatures): it extends {@link CrashTest},
 * which the script compiles beside it. Prints what it saw and one summary line; exits 1 on any
 * finding, 2 when the infrastructure failed (with the tail of the log in question on stderr).
 */
public class ClusterTest extends CrashTest {

    static final Duration STORAGE_DEADLINE = Duration.ofSeconds(120);
    /** A restarts while B, the stores and the clients are busy, on a machine that may have two cores. */
    static final Duration INSTANCE_DEADLINE = Duration.ofSeconds(300);
    static final Duration BALANCE_DEADLINE = Duration.ofSeconds(60);
    static final Duration SEGMENTS_LIMIT = Duration.ofSeconds(15);
    /** A picked execution is free after 4 missed heartbeats of 2 s, then the next poll takes it. */
    static final Duration DEADLINES_LIMIT = Duration.ofSeconds(30);
    static final Duration TAKEOVER_PATIENCE = Duration.ofSeconds(60);
    static final Duration KILL_WINDOW = Duration.ofSeconds(5);
    /** While A restarts, each client waits this long between steps: a JVM starting beside a saturated B can take minutes. */
    static final Duration PAUSE_WHILE_RESTARTING = Duration.ofMillis(500);
    static final Duration KEY_ACCEPTED_LIMIT = Duration.ofSeconds(10);
    static final Duration REVOCATION_LIMIT = Duration.ofSeconds(30);
    static final Duration STALE_ANSWER_PATIENCE = Duration.ofSeconds(30);
    static final Duration STORAGE_STOP_DEADLINE = Duration.ofSeconds(60);
    /**
     * The receiver answers 500 to this share of attempts, never more than twice in a row for one
     * webhook-id: with 5 retries every delivery succeeds, even one whose attempt the kill cost (its
     * watchdog records that attempt as failed).
     */
    static final double FAILURE_SHARE = 0.2;
    static final int MAX_FAILURES_IN_A_ROW = 2;
    static final int INSTANCES = 2;
    static final long RATE_LIMIT = 100;
    static final int HAMMERS_PER_INSTANCE = 4;
    static final int STORM_SUBSCRIPTIONS = 3;
    /** Revocations measured at a time, each with a key of its own. */
    static final int REVOKERS = 4;

    /** How long each phase runs, and how much is measured. */
    record Plan(String name, int tenants, Duration mixedLoad, Duration stormBeforeKill, Duration aloneAfterTakeover,
                Duration loadAfterRestart, int revocations, Duration hammer) {
        static final Plan SHORT = new Plan("short", 4, Duration.ofSeconds(6), Duration.ofSeconds(4),
                Duration.ofSeconds(2), Duration.ofSeconds(5), 40, Duration.ofSeconds(3));
        static final Plan FULL = new Plan("full", 8, Duration.ofSeconds(25), Duration.ofSeconds(10),
                Duration.ofSeconds(10), Duration.ofSeconds(20), 200, Duration.ofSeconds(5));
    }

    record ClusterOptions(boolean shortRun, Path work, Path jar, long seed) {
        static ClusterOptions parse(String[] args) {
            Map<String, String> named = new HashMap<>();
            for (int i = 0; i + 1 < args.length; i += 2) {
                named.put(args[i].replaceFirst("^--", ""), args[i + 1]);
            }
            return new ClusterOptions(named.getOrDefault("short", "0").equals("1"),
                    Path.of(Objects.requireNonNull(named.get("work"), "--work is needed")),
                    Path.of(named.getOrDefault("jar", "server/target/keyhook.jar")),
                    Long.parseLong(named.getOrDefault("seed", String.valueOf(System.nanoTime()))));
        }
    }

    public static void main(String[] args) {
        ClusterOptions options = ClusterOptions.parse(args);
        Plan plan = options.shortRun() ? Plan.SHORT : Plan.FULL;
        System.out.printf("cluster test (%s): storage server, instances A and B, %d clients, A killed in a delivery "
                        + "storm, receiver failing %.0f %% of attempts, seed %d%n", plan.name(), plan.tenants(),
                FAILURE_SHARE * 100, options.seed());
        ClusterResult result = new ClusterResult();
        try {
            new ClusterRun(options, plan, result).run();
        } catch (InfrastructureFailure failure) {
            result.printProblems();
            System.err.println("infrastructure failure: " + failure.getMessage());
            failure.printLogTail();
            System.out.println(result.summaryLine());
            System.exit(2);
        }
        result.printProblems();
        System.out.println(result.summaryLine());
        System.exit(result.clean() ? 0 : 1);
    }

    // ---------------------------------------------------------------- results

    /** The crash test's record of one round, and what only a cluster has. */
    static final class ClusterResult {
        final RoundResult round = new RoundResult(1, "kill -9 of A");
        final List<String> problems = Collections.synchronizedList(new ArrayList<>());
        int duplicates;
        boolean unbalanced;
        int segmentsHeld = -1;
        OptionalDouble segmentsSeconds = OptionalDouble.empty();
        int deadlinesHeld = -1;
        OptionalDouble deadlinesSeconds = OptionalDouble.empty();
        final List<Long> revocationMillis = new ArrayList<>();
        int revocationsNotRejected;
        int keysNotAccepted;
        long rateAllowed = -1;
        long rateBound = -1;
        double rateSeconds;
        int rateServerErrors;

        void problem(String text) {
            problems.add(text);
        }

        boolean takeoverWithinLimits() {
            return segmentsHeld > 0 && within(segmentsSeconds, SEGMENTS_LIMIT)
                    && (deadlinesHeld == 0 || within(deadlinesSeconds, DEADLINES_LIMIT));
        }

        static boolean within(OptionalDouble seconds, Duration limit) {
            return seconds.isPresent() && seconds.getAsDouble() <= limit.toMillis() / 1000.0;
        }

        boolean clean() {
            RoundResult r = round;
            return r.lost == 0 && r.missing == 0 && r.webhookIdChanged == 0 && r.badSignatures == 0 && r.auditMissing == 0
                    && r.phantom == 0 && !unbalanced && takeoverWithinLimits() && revocationsNotRejected == 0
                    && keysNotAccepted == 0 && rateAllowed >= 0 && rateAllowed <= rateBound && rateServerErrors == 0;
        }

        void printProblems() {
            List<String> all = new ArrayList<>(round.problems);
            all.addAll(problems);
            all.stream().limit(MAX_PROBLEMS_SHOWN * 2L).forEach(p -> System.err.println("  " + p));
            if (all.size() > MAX_PROBLEMS_SHOWN * 2) {
                System.err.println("  ... and " + (all.size() - MAX_PROBLEMS_SHOWN * 2) + " more");
            }
        }

        String summaryLine() {
            RoundResult r = round;
            return String.format("cluster: acknowledged %d, lost %d; deliveries expected %d, missing %d, webhook-id changed %d, "
                            + "duplicates %d; audit missing %d, phantom %d; revocation %s; rate limit %d/min: %s; "
                            + "takeover segments %s, deadlines %s",
                    r.acknowledged, r.lost, r.deliveriesExpected, r.missing, r.webhookIdChanged, duplicates,
                    r.auditMissing, r.phantom, revocationFigures(), RATE_LIMIT,
                    rateAllowed < 0 ? "not measured" : String.format("allowed %d in %.1f s (bound %d), 5xx %d",
                            rateAllowed, rateSeconds, rateBound, rateServerErrors),
                    seconds(segmentsSeconds, segmentsHeld), seconds(deadlinesSeconds, deadlinesHeld));
        }

        String revocationFigures() {
            if (revocationMillis.isEmpty()) {
                return "not measured";
            }
            return String.format("p50 %d ms p99 %d ms (%d)", percentile(revocationMillis, 50),
                    percentile(revocationMillis, 99), revocationMillis.size());
        }

        static String seconds(OptionalDouble seconds, int held) {
            if (held < 0) {
                return "not measured";
            }
            if (held == 0) {
                return "none held";
            }
            return seconds.isPresent() ? String.format("%.1f s", seconds.getAsDouble()) : "never";
        }
    }

    static long percentile(List<Long> values, int percent) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    // ---------------------------------------------------------------- the run

    static final class ClusterRun {
        final ClusterOptions options;
        final Plan plan;
        final ClusterResult result;
        final Random random;
        final Path shared;
        volatile Storage storage;
        volatile Instance a;
        volatile Instance b;
        Database database;
        long killedNanos;
        long restartedNanos = Long.MAX_VALUE;

        ClusterRun(ClusterOptions options, Plan plan, ClusterResult result) {
            this.options = options;
            this.plan = plan;
            this.result = result;
            this.random = new Random(options.seed());
            this.shared = options.work().resolve("shared");
        }

        void run() {
            createDirectories(shared);
            // Also when the harness is stopped (SIGTERM from the script's trap): the instances, then the stores.
            Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "stop-cluster"));
            try (Receiver receiver = Receiver.start(FAILURE_SHARE, MAX_FAILURES_IN_A_ROW, random.nextLong())) {
                storage = Storage.start(options.jar(), options.work().resolve("storage"));
                try {
                    storage.awaitReady(STORAGE_DEADLINE);
                    progress("storage server ready: PostgreSQL on port %d, MongoDB on port %d", storage.postgresPort,
                            storage.mongoPort);
                    database = storage.database();
                    startInstances();
                    Cluster cluster = new Cluster(a, b);
                    Load load = new Load(plan, cluster, receiver, result, random.nextLong());
                    runLoadKillAndRestart(load, cluster);
                    new Revocations(cluster, result, plan.revocations()).run();
                    new RateLimitProbe(cluster, result, plan.hammer()).run();
                    verify(load, cluster, receiver);
                    b.server.stop(STOP_DEADLINE);
                    a.server.stop(STOP_DEADLINE);
                    storage.stop(STORAGE_STOP_DEADLINE);
                } finally {
                    stopAll();
                }
            }
        }

        synchronized void stopAll() {
            for (Instance instance : new Instance[]{b, a}) {
                if (instance != null && instance.server != null) {
                    instance.server.stopQuietly();
                }
            }
            if (storage != null) {
                storage.close();
            }
        }

        /** A first, so that it writes the secrets both share; then B, and both hold segments before the load starts. */
        void startInstances() {
            a = new Instance("A", "keyhook-a", options.jar(), options.work().resolve("a"), shared, storage);
            b = new Instance("B", "keyhook-b", options.jar(), options.work().resolve("b"), shared, storage);
            a.start();
            a.awaitHealthy();
            a.owner = database.awaitOwner(a, INSTANCE_DEADLINE);
            progress("A is up on port %d", a.port);
            b.start();
            b.awaitHealthy();
            b.owner = database.awaitOwner(b, INSTANCE_DEADLINE);
            Instant end = Instant.now().plus(BALANCE_DEADLINE);
            Map<String, Integer> held = database.segmentsByOwner();
            while (Instant.now().isBefore(end) && !balanced(held)) {
                sleepMillis(250);
                held = database.segmentsByOwner();
            }
            progress("instances up: A (%s) holds %d segments, B (%s) %d", a.owner, held.getOrDefault(a.owner, 0), b.owner,
                    held.getOrDefault(b.owner, 0));
            if (held.getOrDefault(a.owner, 0) == 0 || held.getOrDefault(b.owner, 0) == 0) {
                result.unbalanced = true;
                result.problem("UNBALANCED: " + BALANCE_DEADLINE.toSeconds() + " s after B started, the segments are held "
                        + held + " (A " + a.owner + ", B " + b.owner + ")");
            }
        }

        /** Each holds its fair share, give or take the one segment an odd count leaves over. */
        boolean balanced(Map<String, Integer> held) {
            int total = held.values().stream().mapToInt(Integer::intValue).sum();
            return held.getOrDefault(a.owner, 0) >= total / 2 && held.getOrDefault(b.owner, 0) >= total / 2;
        }

        void runLoadKillAndRestart(Load load, Cluster cluster) {
            load.start();
            load.awaitSetUp(a.server.log);
            sleepMillis(plan.mixedLoad().toMillis());
            progress("setup and %d s of mixed load done; the delivery storm starts", plan.mixedLoad().toSeconds());
            load.storm();
            sleepMillis(plan.stormBeforeKill().toMillis() + random.nextInt(2000));
            Takeover takeover = killA(cluster);
            takeover.await();
            sleepMillis(plan.aloneAfterTakeover().toMillis() + random.nextInt(2000));
            progress("restarting A on the same settings, %.1f s after the kill; the clients slow down meanwhile", sinceKill());
            load.pause(PAUSE_WHILE_RESTARTING);
            restartedNanos = System.nanoTime();
            a.start();
            a.awaitHealthy();
            cluster.up(a);
            load.pause(Duration.ZERO);
            progress("A is up again, %.1f s after the kill", sinceKill());
            sleepMillis(plan.loadAfterRestart().toMillis());
            load.stop();
            progress("%s", load.describe());
        }

        /**
         * Kills A at a moment when it has deadlines picked, if one comes within {@link #KILL_WINDOW}
         * (they are picked for a few milliseconds each), and starts watching B take over.
         */
        Takeover killA(Cluster cluster) {
            long windowEnd = System.nanoTime() + KILL_WINDOW.toNanos();
            try (Connection connection = database.connect()) {
                while (System.nanoTime() < windowEnd && database.picked(connection, a.schedulerName).isEmpty()) {
                    sleepMillis(2);
                }
            } catch (SQLException e) {
                throw new InfrastructureFailure("cannot read scheduled_tasks: " + e, storage.log);
            }
            cluster.down(a);
            killedNanos = System.nanoTime();
            a.server.killHard();
            Takeover takeover = new Takeover(database, a, b, killedNanos, result);
            progress("killed A (kill -9) %.1f s into the storm: it held %d segments and %d picked deadlines",
                    (killedNanos - cluster.stormStartedNanos()) / 1e9, result.segmentsHeld, result.deadlinesHeld);
            takeover.start();
            return takeover;
        }

        double sinceKill() {
            return (System.nanoTime() - killedNanos) / 1e9;
        }

        /**
         * The crash test's verifier through B (which lived through it all), then the writes, keys and
         * subscriptions once more through the restarted A.
         */
        void verify(Load load, Cluster cluster, Receiver receiver) {
            RoundResult round = result.round;
            new Verifier(cluster.api(b), receiver, load.tenants(), round, killedNanos).verify();
            RoundResult throughA = new RoundResult(1, "through A");
            Verifier onA = new Verifier(cluster.api(a), receiver, load.tenants(), throughA, killedNanos);
            for (Tenant tenant : load.tenants()) {
                onA.committedInFlight.put(tenant, new ArrayList<>());
                onA.verifyOrganizations(tenant);
                if (onA.tokens.containsKey(tenant)) {
                    onA.verifyItems(tenant);
                    onA.verifyKeys(tenant);
                    onA.verifySubscriptions(tenant);
                }
            }
            round.lost += throughA.lost;
            round.phantom += throughA.phantom;
            throughA.problems.forEach(problem -> round.problem("through A: " + problem));
            cluster.api(a).close();
            progress("%s", round.progressLine());
            countDuplicates(receiver);
        }

        /**
         * At least once: the same webhook-id answered 2xx more than once, for the same subscription;
         * each repeat counted by when it arrived: before the kill, while B was alone, after A restarted.
         */
        void countDuplicates(Receiver receiver) {
            Map<String, Long> firstSuccess = new HashMap<>();
            int failedOnPurpose = 0;
            int[] repeats = new int[3];
            List<Long> repeatAfterFirst = new ArrayList<>();
            List<Receiver.Request> received = receiver.received();
            for (Receiver.Request request : received) {
                if (!request.succeeded()) {
                    failedOnPurpose++;
                    continue;
                }
                Long first = firstSuccess.putIfAbsent(request.path() + " " + request.webhookId(), request.receivedNanos());
                if (first != null) {
                    long at = request.receivedNanos();
                    repeats[at < killedNanos ? 0 : at < restartedNanos ? 1 : 2]++;
                    repeatAfterFirst.add((at - first) / 1_000_000);
                }
            }
            result.duplicates = repeatAfterFirst.size();
            progress("receiver: %d requests, %d answered 500 on purpose; %d webhook-ids delivered, %d duplicates (a "
                            + "webhook-id answered 2xx again: %d before the kill, %d from the kill to A's restart, %d after "
                            + "it%s)", received.size(), failedOnPurpose, firstSuccess.size(), result.duplicates, repeats[0],
                    repeats[1], repeats[2], repeatAfterFirst.isEmpty() ? ""
                            : String.format("; p50 %d ms after the first", percentile(repeatAfterFirst, 50)));
        }
    }

    // ---------------------------------------------------------------- the instances

    /** One Keyhook instance with the postgres profile on the storage server; the same settings on every start. */
    static final class Instance {
        final String label;
        final String schedulerName;
        final Path jar;
        final Path dir;
        final Path dataDir;
        final Path log;
        final int port = Ports.free();
        final List<String> settings;
        final Map<String, String> environment;
        volatile Server server;
        String owner;

        Instance(String label, String schedulerName, Path jar, Path dir, Path shared, Storage storage) {
            this.label = label;
            this.schedulerName = schedulerName;
            this.jar = jar;
            this.dir = dir;
            this.dataDir = dir.resolve("data");
            this.log = dir.resolve("server.log");
            // db-scheduler picks in the host's name unless told otherwise: two instances on one host
            // would pick as one, and the deadlines the killed one had picked could not be told apart.
            // Retries wait at most 10 s, so that the verifier's wait for every delivery covers them.
            this.settings = List.of("--spring.profiles.active=postgres",
                    "--keyhook.auth.jwt-key-file=" + shared.resolve("jwt-signing-key.json"),
                    "--keyhook.api-keys.pepper-file=" + shared.resolve("api-key-pepper"),
                    "--keyhook.webhooks.encryption-key-file=" + shared.resolve("webhook-secret-key"),
                    "--keyhook.webhooks.retry.max-retries=5", "--keyhook.webhooks.retry.max-delay=10s",
                    "--db-scheduler.scheduler-name=" + schedulerName);
            this.environment = Map.of("KEYHOOK_POSTGRES_URL", storage.jdbcUrl(),
                    "KEYHOOK_POSTGRES_USERNAME", Storage.USER,
                    "KEYHOOK_POSTGRES_PASSWORD", storage.password(),
                    "SPRING_DATA_MONGODB_URI", storage.mongoUri());
        }

        void start() {
            createDirectories(dataDir);
            server = Server.start(jar, dataDir, log, dir.resolve("server.pid"), port, settings, environment);
        }

        void awaitHealthy() {
            try {
                server.awaitHealthy(INSTANCE_DEADLINE);
            } catch (InfrastructureFailure failure) {
                throw new InfrastructureFailure("instance " + label + ": " + failure.getMessage(), log);
            }
        }

        long pid() {
            return server.process.pid();
        }
    }

    /** Routes each client's steps through A and B in turn, or through B alone while A is down. */
    static final class Cluster {
        private final Instance a;
        private final Instance b;
        private volatile Api apiA;
        private volatile Api apiB;
        private volatile boolean aUp = true;
        private volatile long stormStartedNanos;

        Cluster(Instance a, Instance b) {
            this.a = a;
            this.b = b;
            this.apiA = new Api(a.server.base());
            this.apiB = new Api(b.server.base());
        }

        Instance route(int step) {
            return aUp && step % 2 == 0 ? a : b;
        }

        Api api(Instance instance) {
            return instance == a ? apiA : apiB;
        }

        boolean isUp(Instance instance) {
            return instance != a || aUp;
        }

        void down(Instance instance) {
            if (instance == a) {
                aUp = false;
            }
        }

        /** A new client for the restarted instance: the old one's connections went with the process. */
        void up(Instance instance) {
            if (instance == a) {
                Api old = apiA;
                apiA = new Api(a.server.base());
                aUp = true;
                old.close();
            }
        }

        void stormStarted() {
            stormStartedNanos = System.nanoTime();
        }

        long stormStartedNanos() {
            return stormStartedNanos;
        }

        List<Instance> both() {
            return List.of(a, b);
        }

        Instance other(Instance instance) {
            return instance == a ? b : a;
        }
    }

    // ---------------------------------------------------------------- the storage server

    /** {@code --keyhook.mode=storage}: the PostgreSQL and the MongoDB wire server that both instances use. */
    static final class Storage implements AutoCloseable {
        static final String USER = "postgres";
        static final String READY = "Storage server ready";

        final Process process;
        final Path dataDir;
        final Path log;
        final int postgresPort;
        final int mongoPort;

        private Storage(Process process, Path dataDir, Path log, int postgresPort, int mongoPort) {
            this.process = process;
            this.dataDir = dataDir;
            this.log = log;
            this.postgresPort = postgresPort;
            this.mongoPort = mongoPort;
        }

        static Storage start(Path jar, Path dir) {
            Path dataDir = dir.resolve("data");
            Path log = dir.resolve("storage.log");
            createDirectories(dataDir);
            int postgresPort = Ports.free();
            int mongoPort = Ports.free();
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> command = List.of(java, "-Xms128m", "-Xmx768m", "-jar", jar.toString(), "--keyhook.mode=storage",
                    "--keyhook.data-dir=" + dataDir, "--keyhook.storage.postgres-port=" + postgresPort,
                    "--keyhook.storage.mongo-port=" + mongoPort);
            try {
                Files.writeString(log, "=== starting the storage server at " + Instant.now() + " ===\n",
                        StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                Process process = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
                Files.writeString(dir.resolve("storage.pid"), process.pid() + "\n", StandardCharsets.UTF_8);
                return new Storage(process, dataDir, log, postgresPort, mongoPort);
            } catch (IOException e) {
                throw new InfrastructureFailure("cannot start the storage server: " + e, log);
            }
        }

        void awaitReady(Duration deadline) {
            Instant end = Instant.now().plus(deadline);
            while (Instant.now().isBefore(end)) {
                if (!process.isAlive()) {
                    throw new InfrastructureFailure("the storage server exited with " + process.exitValue()
                            + " before it was ready", log);
                }
                if (logSays(READY)) {
                    try (Connection ignored = database().connect()) {
                        return;
                    } catch (SQLException notYet) {
                        // the log is written before the first connection may be taken
                    }
                }
                sleepMillis(250);
            }
            throw new InfrastructureFailure("the storage server was not ready within " + deadline.toSeconds() + " s", log);
        }

        private boolean logSays(String text) {
            try {
                return Files.readString(log, StandardCharsets.UTF_8).contains(text);
            } catch (IOException e) {
                return false;
            }
        }

        String jdbcUrl() {
            return "jdbc:postgresql://127.0.0.1:" + postgresPort + "/keyhook";
        }

        String mongoUri() {
            return "mongodb://127.0.0.1:" + mongoPort + "/keyhook";
        }

        String password() {
            try {
                return Files.readString(dataDir.resolve("postgres-password"), StandardCharsets.US_ASCII).strip();
            } catch (IOException e) {
                throw new InfrastructureFailure("cannot read the storage server's password: " + e, log);
            }
        }

        Database database() {
            return new Database(jdbcUrl(), USER, password(), log);
        }

        /** SIGTERM: it stops its PostgreSQL and exits 0. */
        void stop(Duration deadline) {
            process.destroy();
            try {
                if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new InfrastructureFailure("the storage server did not stop within " + deadline.toSeconds()
                            + " s of SIGTERM", log);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            if (process.exitValue() != 0 && process.exitValue() != 143) {
                throw new InfrastructureFailure("the storage server exited with " + process.exitValue() + " on SIGTERM", log);
            }
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
            Postmaster.killLeftover(dataDir);
        }
    }

    // ---------------------------------------------------------------- the shared database

    /** What the instances keep in PostgreSQL about each other: segment claims and picked deadlines. */
    static final class Database {
        final String url;
        final String user;
        final String password;
        final Path log;

        Database(String url, String user, String password, Path log) {
            this.url = url;
            this.user = user;
            this.password = password;
            this.log = log;
        }

        Connection connect() throws SQLException {
            return DriverManager.getConnection(url, user, password);
        }

        /** An instance claims in the name {@code <pid>@<host>/<random>} (InstanceId); its first claim tells the rest. */
        String awaitOwner(Instance instance, Duration deadline) {
            Instant end = Instant.now().plus(deadline);
            String prefix = instance.pid() + "@";
            while (Instant.now().isBefore(end)) {
                Optional<String> owner = segmentsByOwner().keySet().stream().filter(o -> o.startsWith(prefix)).findFirst();
                if (owner.isPresent()) {
                    return owner.get();
                }
                sleepMillis(250);
            }
            throw new InfrastructureFailure("instance " + instance.label + " (pid " + instance.pid() + ") claimed no segment "
                    + "within " + deadline.toSeconds() + " s of being healthy", instance.log);
        }

        Map<String, Integer> segmentsByOwner() {
            Map<String, Integer> held = new HashMap<>();
            segments().values().forEach(owner -> held.merge(owner, 1, Integer::sum));
            return held;
        }

        /** processor/segment -> owner, for the claimed ones. */
        Map<String, String> segments() {
            try (Connection connection = connect()) {
                return segments(connection);
            } catch (SQLException e) {
                throw new InfrastructureFailure("cannot read tokenentry: " + e, log);
            }
        }

        Map<String, String> segments(Connection connection) throws SQLException {
            Map<String, String> segments = new LinkedHashMap<>();
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT processorname, segment, owner FROM tokenentry WHERE owner IS NOT NULL ORDER BY 1, 2");
                 ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    segments.put(rows.getString(1) + "/" + rows.getInt(2), rows.getString(3));
                }
            }
            return segments;
        }

        /** task_name/task_instance of the executions picked in that scheduler's name. */
        Set<String> picked(Connection connection, String scheduler) throws SQLException {
            Set<String> picked = new TreeSet<>();
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT task_name, task_instance FROM scheduled_tasks WHERE picked AND picked_by = ?")) {
                query.setString(1, scheduler);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        picked.add(rows.getString(1) + "/" + rows.getString(2));
                    }
                }
            }
            return picked;
        }

        /** Of these executions, the ones neither done (gone) nor picked in that scheduler's name. */
        Set<String> notDoneNorPickedBy(Connection connection, Set<String> executions, String scheduler) throws SQLException {
            Set<String> waiting = new TreeSet<>();
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT picked, picked_by FROM scheduled_tasks WHERE task_name = ? AND task_instance = ?")) {
                for (String execution : executions) {
                    int slash = execution.indexOf('/');
                    query.setString(1, execution.substring(0, slash));
                    query.setString(2, execution.substring(slash + 1));
                    try (ResultSet rows = query.executeQuery()) {
                        if (rows.next() && !(rows.getBoolean(1) && scheduler.equals(rows.getString(2)))) {
                            waiting.add(execution);
                        }
                    }
                }
            }
            return waiting;
        }
    }

    /**
     * From the kill on: how long until every segment A held is held by B, and until every deadline
     * A had picked is done or picked by B (the database's view, polled every 100 ms).
     */
    static final class Takeover {
        final Database database;
        final Instance a;
        final Instance b;
        final long killedNanos;
        final ClusterResult result;
        final Set<String> segments;
        final Set<String> deadlines;
        final Thread watcher;
        volatile boolean done;

        Takeover(Database database, Instance a, Instance b, long killedNanos, ClusterResult result) {
            this.database = database;
            this.a = a;
            this.b = b;
            this.killedNanos = killedNanos;
            this.result = result;
            try (Connection connection = database.connect()) {
                segments = new TreeSet<>();
                database.segments(connection).forEach((segment, owner) -> {
                    if (owner.equals(a.owner)) {
                        segments.add(segment);
                    }
                });
                deadlines = database.picked(connection, a.schedulerName);
            } catch (SQLException e) {
                throw new InfrastructureFailure("cannot read what A held at the kill: " + e, database.log);
            }
            result.segmentsHeld = segments.size();
            result.deadlinesHeld = deadlines.size();
            if (segments.isEmpty()) {
                result.problem("NO TAKEOVER TO WATCH: A held no segment at the kill");
            }
            watcher = new Thread(this::watch, "takeover");
            watcher.setDaemon(true);
        }

        void start() {
            watcher.start();
        }

        private void watch() {
            long end = killedNanos + TAKEOVER_PATIENCE.toNanos();
            boolean segmentsTaken = segments.isEmpty();
            boolean deadlinesTaken = deadlines.isEmpty();
            Set<String> waiting = deadlines;
            Map<String, String> owners = Map.of();
            try (Connection connection = database.connect()) {
                while (!(segmentsTaken && deadlinesTaken) && System.nanoTime() < end) {
                    double seconds = (System.nanoTime() - killedNanos) / 1e9;
                    if (!segmentsTaken) {
                        owners = database.segments(connection);
                        Map<String, String> current = owners;
                        segmentsTaken = segments.stream().allMatch(segment -> b.owner.equals(current.get(segment)));
                        if (segmentsTaken) {
                            result.segmentsSeconds = OptionalDouble.of(seconds);
                        }
                    }
                    if (!deadlinesTaken) {
                        waiting = database.notDoneNorPickedBy(connection, waiting, b.schedulerName);
                        deadlinesTaken = waiting.isEmpty();
                        if (deadlinesTaken) {
                            result.deadlinesSeconds = OptionalDouble.of(seconds);
                        }
                    }
                    sleepMillis(100);
                }
            } catch (SQLException e) {
                result.problem("TAKEOVER: could not read the database: " + e);
            } finally {
                report(segmentsTaken, deadlinesTaken, owners, waiting);
                done = true;
            }
        }

        private void report(boolean segmentsTaken, boolean deadlinesTaken, Map<String, String> owners, Set<String> waiting) {
            progress("takeover: A's %d segments held by B after %s (limit %d s); %s", segments.size(),
                    ClusterResult.seconds(result.segmentsSeconds, segments.size()), SEGMENTS_LIMIT.toSeconds(),
                    deadlines.isEmpty() ? "A had no deadline picked at the kill"
                            : String.format("A's %d picked deadlines done or picked by B after %s (limit %d s)",
                            deadlines.size(), ClusterResult.seconds(result.deadlinesSeconds, deadlines.size()),
                            DEADLINES_LIMIT.toSeconds()));
            if (!segmentsTaken) {
                Map<String, String> notB = new LinkedHashMap<>();
                segments.forEach(segment -> notB.put(segment, owners.get(segment)));
                result.problem("TAKEOVER: " + TAKEOVER_PATIENCE.toSeconds() + " s after the kill A's segments are held by "
                        + notB + " (B is " + b.owner + ")");
            } else if (!ClusterResult.within(result.segmentsSeconds, SEGMENTS_LIMIT)) {
                result.problem("TAKEOVER: B held A's segments only after " + ClusterResult.seconds(result.segmentsSeconds,
                        segments.size()) + ", more than " + SEGMENTS_LIMIT.toSeconds() + " s");
            }
            if (!deadlinesTaken) {
                result.problem("TAKEOVER: " + TAKEOVER_PATIENCE.toSeconds() + " s after the kill these deadlines A had picked "
                        + "are neither done nor picked by B: " + waiting);
            } else if (!deadlines.isEmpty() && !ClusterResult.within(result.deadlinesSeconds, DEADLINES_LIMIT)) {
                result.problem("TAKEOVER: the deadlines A had picked were done or picked by B only after "
                        + ClusterResult.seconds(result.deadlinesSeconds, deadlines.size()) + ", more than "
                        + DEADLINES_LIMIT.toSeconds() + " s");
            }
        }

        void await() {
            join(watcher, TAKEOVER_PATIENCE.plusSeconds(30));
        }
    }

    // ---------------------------------------------------------------- the load

    /** The crash test's clients, one per organization, each step through the instance its turn names. */
    static final class Load {
        final Plan plan;
        final Cluster cluster;
        final Receiver receiver;
        final ClusterResult result;
        final Random random;
        final AtomicBoolean stopping = new AtomicBoolean();
        final AtomicBoolean storm = new AtomicBoolean();
        final CountDownLatch setUp;
        final List<Tenant> tenants = new ArrayList<>();
        final List<Thread> threads = new ArrayList<>();
        final Map<String, AtomicInteger> steps = new HashMap<>();
        final AtomicInteger inFlightAtKill = new AtomicInteger();
        final AtomicInteger unknownWhileUp = new AtomicInteger();
        final AtomicInteger staleAnswers = new AtomicInteger();
        volatile long pauseMillis;

        Load(Plan plan, Cluster cluster, Receiver receiver, ClusterResult result, long seed) {
            this.plan = plan;
            this.cluster = cluster;
            this.receiver = receiver;
            this.result = result;
            this.random = new Random(seed);
            this.setUp = new CountDownLatch(plan.tenants());
            cluster.both().forEach(instance -> steps.put(instance.label, new AtomicInteger()));
        }

        List<Tenant> tenants() {
            return tenants;
        }

        void start() {
            for (int i = 0; i < plan.tenants(); i++) {
                Tenant tenant = new Tenant("c" + i);
                tenants.add(tenant);
                Random own = new Random(random.nextLong());
                int first = i;
                Thread thread = new Thread(() -> drive(tenant, own, first), "client-" + i);
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
        }

        void awaitSetUp(Path log) {
            try {
                if (!setUp.await(SETUP_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new InfrastructureFailure("the clients could not sign up within " + SETUP_DEADLINE.toSeconds()
                            + " s", log);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }

        void storm() {
            cluster.stormStarted();
            storm.set(true);
        }

        void pause(Duration between) {
            pauseMillis = between.toMillis();
        }

        void stop() {
            stopping.set(true);
            for (Thread thread : threads) {
                join(thread, Duration.ofSeconds(60));
            }
        }

        String describe() {
            return String.format("load: %d steps through A, %d through B; outcome unknown: %d in flight to A at the kill, "
                            + "%d while the instance was up; %d writes answered a step behind (projection not taken over yet)",
                    steps.get("A").get(), steps.get("B").get(), inFlightAtKill.get(), unknownWhileUp.get(),
                    staleAnswers.get());
        }

        /** Client i makes its first step through A if i is even, through B if odd, and alternates from there. */
        private void drive(Tenant tenant, Random random, int step) {
            try {
                try {
                    Turn first = turn(tenant, random, step++);
                    run(first, () -> first.client.signUp(tenant.organization));
                    if (tenant.organization.acknowledged) {
                        Turn second = turn(tenant, random, step++);
                        run(second, second.client::subscribe);
                        Turn third = turn(tenant, random, step++);
                        run(third, third.client::issueKey);
                    }
                } finally {
                    setUp.countDown();
                }
                while (tenant.organization.acknowledged && !stopping.get()) {
                    if (pauseMillis > 0) {
                        sleepMillis(pauseMillis);
                    }
                    Turn turn = turn(tenant, random, step++);
                    run(turn, () -> {
                        if (storm.get()) {
                            stormStep(tenant, turn.client, random);
                        } else {
                            turn.client.step();
                        }
                    });
                }
            } catch (RuntimeException e) {
                tenant.failure = e;
            }
        }

        record Turn(Instance instance, Api api, Client client) {
        }

        private Turn turn(Tenant tenant, Random random, int step) {
            Instance instance = cluster.route(step);
            Api api = cluster.api(instance);
            steps.get(instance.label).incrementAndGet();
            return new Turn(instance, api, new Client(tenant, api, receiver, new CountDownLatch(0), new AtomicBoolean(),
                    random));
        }

        interface Step {
            void run() throws OutcomeUnknown;
        }

        /**
         * One step of the crash test's client. A write whose outcome is unknown stays in flight in the
         * record (the verifier settles it) and the client goes on: a cluster has another instance.
         */
        private void run(Turn turn, Step step) {
            Map<ItemRecord, ItemState> before = new IdentityHashMap<>();
            Tenant tenant = turn.client.tenant;
            tenant.items.forEach(item -> before.put(item, item.acknowledged));
            try {
                step.run();
            } catch (OutcomeUnknown e) {
                if (cluster.isUp(turn.instance)) {
                    unknownWhileUp.incrementAndGet();
                    tenant.notes.add("a write's outcome is unknown through " + turn.instance.label + ", which was up: "
                            + e.getMessage());
                } else {
                    inFlightAtKill.incrementAndGet();
                }
            }
            for (ItemRecord item : tenant.items) {
                ItemState was = before.get(item);
                if (was != null && item.acknowledged != was && !item.deleted && item.acknowledged.version() <= was.version()) {
                    settleStaleAnswer(turn, item, was);
                }
            }
        }

        /**
         * A write answered with the item as it was: its projection lagged past the visibility timeout
         * (the segment was A's and not taken over yet), which the API allows. The write was
         * acknowledged, so it must become visible: the record takes the item once it shows a newer version.
         */
        private void settleStaleAnswer(Turn turn, ItemRecord item, ItemState was) {
            staleAnswers.incrementAndGet();
            Tenant tenant = turn.client.tenant;
            Instant end = Instant.now().plus(STALE_ANSWER_PATIENCE);
            while (Instant.now().isBefore(end)) {
                Instance through = cluster.isUp(turn.instance) ? turn.instance : cluster.other(turn.instance);
                Optional<Api.Answer> answer = cluster.api(through).get("/api/v1/items/" + item.id, tenant.token);
                if (answer.isPresent() && answer.get().ok() && answer.get().body().path("version").asLong() > was.version()) {
                    item.acknowledged = ItemState.of(answer.get().body());
                    return;
                }
                sleepMillis(200);
            }
            result.round.lost++;
            result.round.problem("LOST: " + tenant.label + ": item " + item.id + ": a write acknowledged through "
                    + turn.instance.label + " with the item as it was (version " + was.version() + ") shows no newer "
                    + "version " + STALE_ANSWER_PATIENCE.toSeconds() + " s later");
        }

        /**
         * Item writes (each an event for every subscription, once the organization has its
         * subscriptions) and some reads with keys, whose audit is checked.
         */
        private void stormStep(Tenant tenant, Client client, Random random) throws OutcomeUnknown {
            if (tenant.subscriptions.size() < STORM_SUBSCRIPTIONS) {
                client.subscribe();
                return;
            }
            int dice = random.nextInt(10);
            if (dice < 3) {
                client.createItem();
            } else if (dice < 7) {
                client.withWritableItem(client::adjustStockAcrossThreshold);
            } else if (dice < 8) {
                client.withWritableItem(client::replaceItem);
            } else {
                client.readWithKey();
            }
        }
    }

    // ---------------------------------------------------------------- revocation across instances

    /**
     * Issues a key through one instance, waits until the other accepts it (so that it knows the key),
     * revokes it through the first and asks the other until it refuses the key: the time from the
     * revocation's answer to the first 401. The instances swap roles each time; {@link #REVOKERS}
     * keys are in the works at a time.
     */
    static final class Revocations {
        final Cluster cluster;
        final ClusterResult result;
        final int count;
        final List<Long> issueMillis = new ArrayList<>();
        final List<Long> acceptMillis = new ArrayList<>();
        final List<Long> revokeMillis = new ArrayList<>();

        Revocations(Cluster cluster, ClusterResult result, int count) {
            this.cluster = cluster;
            this.result = result;
            this.count = count;
        }

        void run() {
            Instance first = cluster.both().get(0);
            String token = signUp(cluster.api(first), "revocations");
            Map<String, List<Long>> byDirection = new LinkedHashMap<>();
            AtomicInteger next = new AtomicInteger();
            List<RuntimeException> failures = Collections.synchronizedList(new ArrayList<>());
            long startedNanos = System.nanoTime();
            List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < REVOKERS; w++) {
                Thread worker = new Thread(() -> {
                    try {
                        for (int i = next.getAndIncrement(); i < count && failures.isEmpty(); i = next.getAndIncrement()) {
                            Instance revoking = cluster.both().get(i % 2);
                            Instance asked = cluster.other(revoking);
                            Optional<Long> millis = revokeAndAsk(token, revoking, asked, i);
                            synchronized (this) {
                                millis.ifPresent(value -> {
                                    result.revocationMillis.add(value);
                                    byDirection.computeIfAbsent("revoked through " + revoking.label + ", refused by "
                                            + asked.label, d -> new ArrayList<>()).add(value);
                                });
                            }
                        }
                    } catch (RuntimeException e) {
                        failures.add(e);
                    }
                }, "revoker-" + w);
                worker.setDaemon(true);
                workers.add(worker);
                worker.start();
            }
            for (Thread worker : workers) {
                join(worker, REVOCATION_LIMIT.plus(KEY_ACCEPTED_LIMIT).multipliedBy(count / REVOKERS + 1).plusSeconds(60));
            }
            if (!failures.isEmpty()) {
                throw failures.get(0);
            }
            long rejectedAtOnce = result.revocationMillis.stream().filter(millis -> millis == 0).count();
            StringBuilder line = new StringBuilder(String.format("revocations: %d measured in %.1f s (%d at a time), refused "
                    + "by the first request after the revocation %d", result.revocationMillis.size(),
                    (System.nanoTime() - startedNanos) / 1e9, REVOKERS, rejectedAtOnce));
            if (!issueMillis.isEmpty()) {
                line.append(String.format("; issuing a key answered in p50 %d ms, the other instance accepted it p50 %d ms "
                        + "(p99 %d ms) after that", percentile(issueMillis, 50), percentile(acceptMillis, 50),
                        percentile(acceptMillis, 99)));
            }
            if (!revokeMillis.isEmpty()) {
                line.append(String.format("; revoking answered in p50 %d ms", percentile(revokeMillis, 50)));
            }
            byDirection.forEach((direction, values) -> line.append(String.format("; %s: p50 %d ms, p99 %d ms, max %d ms",
                    direction, percentile(values, 50), percentile(values, 99), percentile(values, 100))));
            progress("%s", line);
        }

        private Optional<Long> revokeAndAsk(String token, Instance revoking, Instance asked, int i) {
            Api through = cluster.api(revoking);
            Api other = cluster.api(asked);
            long issuingNanos = System.nanoTime();
            Api.Answer issued = through.require(through.post("/api/v1/api-keys", token, Map.of("name", "revoked-" + i,
                    "scopes", List.of("items:read"), "environment", "test", "rateLimitPerMinute", 1_000_000)), "issue a key");
            if (!issued.ok()) {
                throw new InfrastructureFailure("issuing a key through " + revoking.label + " answered " + issued.status()
                        + " " + issued.body(), null);
            }
            String id = issued.body().path("id").asText();
            String key = issued.body().path("key").asText();
            long issuedNanos = System.nanoTime();
            record(issueMillis, issuedNanos - issuingNanos);
            while (status(other, key) != 200) {
                if (System.nanoTime() - issuedNanos > KEY_ACCEPTED_LIMIT.toNanos()) {
                    synchronized (this) {
                        result.keysNotAccepted++;
                    }
                    result.problem("KEY NOT ACCEPTED: key " + id + " issued through " + revoking.label + " is not accepted by "
                            + asked.label + " " + KEY_ACCEPTED_LIMIT.toSeconds() + " s later");
                    return Optional.empty();
                }
                sleepMillis(5);
            }
            record(acceptMillis, System.nanoTime() - issuedNanos);
            long revokingNanos = System.nanoTime();
            Api.Answer revoked = through.require(through.delete("/api/v1/api-keys/" + id, token, null), "revoke a key");
            record(revokeMillis, System.nanoTime() - revokingNanos);
            if (revoked.status() != 204) {
                throw new InfrastructureFailure("revoking a key through " + revoking.label + " answered " + revoked.status()
                        + " " + revoked.body(), null);
            }
            long revokedNanos = System.nanoTime();
            int status;
            while ((status = status(other, key)) != 401) {
                if (System.nanoTime() - revokedNanos > REVOCATION_LIMIT.toNanos()) {
                    synchronized (this) {
                        result.revocationsNotRejected++;
                    }
                    result.problem("REVOCATION: key " + id + " revoked through " + revoking.label + " still answers "
                            + status + " through " + asked.label + " " + REVOCATION_LIMIT.toSeconds() + " s later");
                    return Optional.empty();
                }
                sleepMillis(5);
            }
            return Optional.of((System.nanoTime() - revokedNanos) / 1_000_000);
        }

        private synchronized void record(List<Long> millis, long nanos) {
            millis.add(nanos / 1_000_000);
        }

        private static int status(Api api, String key) {
            return api.require(api.getWithKey("/api/v1/auth/me", key), "authenticate with a key").status();
        }
    }

    static String signUp(Api api, String organization) {
        String email = organization + "-" + System.nanoTime() + "@example.com";
        Api.Answer answer = api.require(api.post("/api/v1/auth/signup", null, Map.of("organization", organization,
                "email", email, "password", PASSWORD)), "sign up " + organization);
        if (!answer.ok()) {
            throw new InfrastructureFailure("signing up " + organization + " answered " + answer.status() + " "
                    + answer.body(), null);
        }
        return answer.body().path("token").asText();
    }

    // ---------------------------------------------------------------- a shared rate limit

    /**
     * A key with a limit of {@link #RATE_LIMIT} a minute, hammered through both instances at once
     * from a fresh bucket. A greedy token bucket lets through its capacity plus what refills while
     * the hammering lasts; the shared buckets let each instance take up to max(1, L/50) before it
     * synchronizes, so with n instances at most L + L * seconds / 60 + n * max(1, L/50) are allowed.
     */
    static final class RateLimitProbe {
        final Cluster cluster;
        final ClusterResult result;
        final Duration hammer;

        RateLimitProbe(Cluster cluster, ClusterResult result, Duration hammer) {
            this.cluster = cluster;
            this.result = result;
            this.hammer = hammer;
        }

        void run() {
            Instance first = cluster.both().get(0);
            Api api = cluster.api(first);
            String token = signUp(api, "rate-limit");
            Api.Answer issued = api.require(api.post("/api/v1/api-keys", token, Map.of("name", "hammered",
                    "scopes", List.of("items:read"), "environment", "test", "rateLimitPerMinute", RATE_LIMIT)), "issue a key");
            if (!issued.ok()) {
                throw new InfrastructureFailure("issuing the rate-limited key answered " + issued.status() + " "
                        + issued.body(), null);
            }
            String key = issued.body().path("key").asText();
            AtomicInteger allowed = new AtomicInteger();
            AtomicInteger limited = new AtomicInteger();
            Map<Integer, Integer> other = Collections.synchronizedMap(new HashMap<>());
            List<Thread> hammers = new ArrayList<>();
            CountDownLatch gate = new CountDownLatch(1);
            long[] window = new long[2];
            for (Instance instance : cluster.both()) {
                Api through = cluster.api(instance);
                for (int i = 0; i < HAMMERS_PER_INSTANCE; i++) {
                    Thread thread = new Thread(() -> {
                        awaitGate(gate);
                        while (System.nanoTime() < window[1]) {
                            int status = through.getWithKey("/api/v1/items", key).map(Api.Answer::status).orElse(-1);
                            if (status == 200) {
                                allowed.incrementAndGet();
                            } else if (status == 429) {
                                limited.incrementAndGet();
                            } else {
                                other.merge(status, 1, Integer::sum);
                            }
                        }
                    }, "hammer-" + instance.label + "-" + i);
                    thread.setDaemon(true);
                    hammers.add(thread);
                    thread.start();
                }
            }
            window[0] = System.nanoTime();
            window[1] = window[0] + hammer.toNanos();
            gate.countDown();
            for (Thread thread : hammers) {
                join(thread, hammer.plusSeconds(60));
            }
            double seconds = (System.nanoTime() - window[0]) / 1e9;
            long refilled = (long) Math.floor(RATE_LIMIT * seconds / 60);
            long unsynchronized = Math.max(1, RATE_LIMIT / 50);
            result.rateSeconds = seconds;
            result.rateAllowed = allowed.get();
            result.rateBound = RATE_LIMIT + refilled + INSTANCES * unsynchronized;
            progress("rate limit: a key of %d/min through A and B (%d clients each) for %.1f s: allowed %d, "
                            + "refused with 429 %d, other answers %s; bound %d + %d refilled + %d x %d = %d", RATE_LIMIT,
                    HAMMERS_PER_INSTANCE, seconds, allowed.get(), limited.get(), other, RATE_LIMIT, refilled, INSTANCES,
                    unsynchronized, result.rateBound);
            if (result.rateAllowed > result.rateBound) {
                result.problem("RATE LIMIT OVERSHOT: " + result.rateAllowed + " requests allowed in " + String.format("%.1f",
                        seconds) + " s with a limit of " + RATE_LIMIT + "/min, bound " + result.rateBound);
            }
            synchronized (other) {
                result.rateServerErrors = other.entrySet().stream().filter(answer -> answer.getKey() >= 500)
                        .mapToInt(Map.Entry::getValue).sum();
                if (result.rateServerErrors > 0) {
                    result.problem("SERVER ERROR: " + result.rateServerErrors + " reads with the rate-limited key answered 5xx: "
                            + other);
                    cluster.both().forEach(instance -> firstError(instance.log).ifPresent(error ->
                            result.problem("SERVER ERROR: the first in " + instance.label + "'s log: " + error)));
                } else if (!other.isEmpty()) {
                    result.problem("rate limit: answers neither 200 nor 429 (-1: no answer): " + other);
                }
            }
        }
    }

    /** All hammers start at once, as a burst does. */
    static void awaitGate(CountDownLatch gate) {
        try {
            gate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The first ERROR line of a server log, with the exception line after it. */
    static Optional<String> firstError(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains(" ERROR ")) {
                    String error = lines.get(i).strip();
                    for (int j = i + 1; j < Math.min(lines.size(), i + 4); j++) {
                        if (!lines.get(j).isBlank()) {
                            return Optional.of(error + " / " + lines.get(j).strip());
                        }
                    }
                    return Optional.of(error);
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("(could not read " + log + ": " + e + ")");
        }
    }

    // ---------------------------------------------------------------- output, files

    static final long STARTED_NANOS = System.nanoTime();

    /** One line of what the run saw, with the time since the harness started. */
    static void progress(String format, Object... values) {
        System.out.printf("[%5.1f s] %s%n", (System.nanoTime() - STARTED_NANOS) / 1e9, String.format(format, values));
    }

    static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new InfrastructureFailure("cannot create " + dir + ": " + e, null);
        }
    }
}
