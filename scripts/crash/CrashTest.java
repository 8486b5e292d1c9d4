import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The crash test (run by scripts/crash-test.sh). Each round starts the packaged server on a fresh
 * data dir, drives mixed acknowledged work through the REST API from several concurrent clients
 * that keep their own record of every acknowledged write and every write in flight, kills the
 * server with SIGKILL at a random moment (on power-cut rounds its PostgreSQL too), restarts it on
 * the same data dir and checks the record against what the API, the webhook receiver and the usage
 * audit show. Prints one line per round and a summary; exits 1 on any finding, 2 when the
 * infrastructure failed (with the server log's tail on stderr).
 */
public class CrashTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final int FIRST_PORT = 19100;
    static final int LAST_PORT = 19199;
    static final int CLIENTS = 8;
    static final Duration SETUP_DEADLINE = Duration.ofSeconds(60);
    static final Duration START_DEADLINE = Duration.ofSeconds(90);
    static final Duration STOP_DEADLINE = Duration.ofSeconds(30);
    static final Duration DELIVERY_DEADLINE = Duration.ofSeconds(100);
    static final Duration AUDIT_DEADLINE = Duration.ofSeconds(30);
    static final Duration REPLAY_DEADLINE = Duration.ofSeconds(90);
    static final String PASSWORD = "crash test password";
    /** The operator the server is started with: the only account that may replay a whole processing group. */
    static final String OPERATOR_EMAIL = "operator@crash-test.example.com";
    static final List<String> EVENT_TYPES = List.of("item.created", "item.updated", "item.deleted", "item.low_stock");
    static final int MAX_PROBLEMS_SHOWN = 25;

    record Options(int rounds, boolean powerCut, Path work, Path jar, long seed) {
        static Options parse(String[] args) {
            Map<String, String> named = new HashMap<>();
            for (int i = 0; i + 1 < args.length; i += 2) {
                named.put(args[i].replaceFirst("^--", ""), args[i + 1]);
            }
            return new Options(Integer.parseInt(named.getOrDefault("rounds", "5")),
                    !named.getOrDefault("power-cut", "1").equals("0"),
                    Path.of(Objects.requireNonNull(named.get("work"), "--work is needed")),
                    Path.of(named.getOrDefault("jar", "server/target/keyhook.jar")),
                    Long.parseLong(named.getOrDefault("seed", String.valueOf(System.nanoTime()))));
        }
    }

    public static void main(String[] args) {
        Options options = Options.parse(args);
        System.out.printf("crash test: %d rounds, power cut on even rounds %s, seed %d%n", options.rounds(),
                options.powerCut() ? "on" : "off (POWER_CUT=0)", options.seed());
        Random random = new Random(options.seed());
        Totals totals = new Totals();
        try {
            for (int round = 1; round <= options.rounds(); round++) {
                boolean powerCut = options.powerCut() && round % 2 == 0;
                RoundResult result = new Round(round, powerCut, options, new Random(random.nextLong())).run();
                System.out.println(result.progressLine());
                result.printProblems();
                totals.add(result);
            }
        } catch (InfrastructureFailure failure) {
            System.err.println("infrastructure failure: " + failure.getMessage());
            failure.printLogTail();
            System.out.println(totals.summaryLine(options.rounds()));
            System.exit(2);
        }
        System.out.println(totals.summaryLine(options.rounds()));
        System.exit(totals.clean() ? 0 : 1);
    }

    // ---------------------------------------------------------------- results

    /** What one round found. */
    static final class RoundResult {
        final int round;
        final String kind;
        int acknowledged;
        int inFlight;
        int refused;
        int lost;
        int deliveriesExpected;
        int deliveriesReceived;
        int missing;
        int webhookIdChanged;
        int badSignatures;
        int auditChecked;
        int auditMissing;
        int phantom;
        final List<String> problems = new ArrayList<>();

        RoundResult(int round, String kind) {
            this.round = round;
            this.kind = kind;
        }

        void problem(String text) {
            problems.add(text);
        }

        String progressLine() {
            return String.format("round %d (%s): acknowledged %d (in flight %d, refused %d), lost %d; deliveries expected %d "
                            + "(events received %d), missing %d, webhook-id changed %d, bad signatures %d; "
                            + "audit checked %d, missing %d; phantom %d",
                    round, kind, acknowledged, inFlight, refused, lost, deliveriesExpected, deliveriesReceived, missing,
                    webhookIdChanged, badSignatures, auditChecked, auditMissing, phantom);
        }

        void printProblems() {
            problems.stream().limit(MAX_PROBLEMS_SHOWN).forEach(p -> System.err.println("  round " + round + ": " + p));
            if (problems.size() > MAX_PROBLEMS_SHOWN) {
                System.err.println("  round " + round + ": ... and " + (problems.size() - MAX_PROBLEMS_SHOWN) + " more");
            }
        }
    }

    static final class Totals {
        int rounds;
        int acknowledged;
        int lost;
        int expected;
        int missing;
        int idChanged;
        int badSignatures;
        int auditMissing;
        int phantom;

        void add(RoundResult r) {
            rounds++;
            acknowledged += r.acknowledged;
            lost += r.lost;
            expected += r.deliveriesExpected;
            missing += r.missing;
            idChanged += r.webhookIdChanged;
            badSignatures += r.badSignatures;
            auditMissing += r.auditMissing;
            phantom += r.phantom;
        }

        boolean clean() {
            return lost == 0 && missing == 0 && idChanged == 0 && badSignatures == 0 && auditMissing == 0 && phantom == 0;
        }

        String summaryLine(int planned) {
            String rounds = this.rounds == planned ? String.valueOf(planned) : this.rounds + " of " + planned;
            return String.format("crash rounds %s: acknowledged %d, lost %d; deliveries expected %d, missing %d, "
                            + "webhook-id changed %d; audit missing %d, phantom %d",
                    rounds, acknowledged, lost, expected, missing, idChanged, auditMissing, phantom);
        }
    }

    /** The server or its surroundings failed: the round proves nothing. */
    static final class InfrastructureFailure extends RuntimeException {
        final Path log;

        InfrastructureFailure(String message, Path log) {
            super(message);
            this.log = log;
        }

        void printLogTail() {
            if (log == null || !Files.exists(log)) {
                return;
            }
            try {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                System.err.println("--- last lines of " + log + " ---");
                lines.subList(Math.max(0, lines.size() - 80), lines.size()).forEach(System.err::println);
            } catch (IOException e) {
                System.err.println("(could not read " + log + ": " + e + ")");
            }
        }
    }

    // ---------------------------------------------------------------- one round

    static final class Round {
        final int number;
        final boolean powerCut;
        final Options options;
        final Random random;
        final Path dir;
        final Path dataDir;
        final Path log;
        long killedNanos;

        Round(int number, boolean powerCut, Options options, Random random) {
            this.number = number;
            this.powerCut = powerCut;
            this.options = options;
            this.random = random;
            this.dir = options.work().resolve("round-" + number);
            this.dataDir = dir.resolve("data");
            this.log = dir.resolve("server.log");
        }

        RoundResult run() {
            createDirectories();
            long killAfterMillis = 3000 + random.nextInt(5001);
            String kind = (powerCut ? "power cut" : "server kill") + String.format(" %.1f s into the load",
                    killAfterMillis / 1000.0);
            RoundResult result = new RoundResult(number, kind);
            try (Receiver receiver = Receiver.start()) {
                Server server = Server.start(options.jar(), dataDir, log, dir.resolve("server.pid"));
                try {
                    server.awaitHealthy(START_DEADLINE);
                    List<Tenant> tenants = runLoadAndCrash(server, receiver, killAfterMillis);
                    server = Server.start(options.jar(), dataDir, log, dir.resolve("server.pid"));
                    server.awaitHealthy(START_DEADLINE);
                    new Verifier(new Api(server.base()), receiver, tenants, result, killedNanos).verify();
                    server.stop(STOP_DEADLINE);
                } finally {
                    server.signalKill();
                    server.waitFor(Duration.ofSeconds(30));
                    Postmaster.killLeftover(dataDir);
                }
            }
            deleteRecursively(dir);
            return result;
        }

        List<Tenant> runLoadAndCrash(Server server, Receiver receiver, long killAfterMillis) {
            Api api = new Api(server.base());
            AtomicBoolean stopping = new AtomicBoolean();
            CountDownLatch setUp = new CountDownLatch(CLIENTS);
            List<Tenant> tenants = new ArrayList<>();
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                Tenant tenant = new Tenant("r" + number + "c" + i);
                tenants.add(tenant);
                Client client = new Client(tenant, api, receiver, setUp, stopping, new Random(random.nextLong()));
                Thread thread = new Thread(client, "client-" + i);
                thread.setDaemon(true);
                clients.add(thread);
                thread.start();
            }
            awaitSetUp(setUp);
            sleepMillis(killAfterMillis);
            try {
                OptionalLong postmaster = powerCut ? requirePostmaster() : OptionalLong.empty();
                stopping.set(true);
                killedNanos = System.nanoTime();
                server.signalKill();
                postmaster.ifPresent(Postmaster::killHard);
                server.killHard();
            } finally {
                stopping.set(true);
            }
            for (Thread client : clients) {
                join(client, Duration.ofSeconds(60));
            }
            api.close();
            return tenants;
        }

        /** Signups, a first subscription and a first key are made before the clock to the kill starts. */
        void awaitSetUp(CountDownLatch setUp) {
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

        OptionalLong requirePostmaster() {
            OptionalLong pid = Postmaster.pid(dataDir);
            if (pid.isEmpty()) {
                throw new InfrastructureFailure("power cut: the server runs no PostgreSQL under " + dataDir
                        + " (no postgres/postmaster.pid); POWER_CUT=0 skips power cuts", log);
            }
            return pid;
        }

        void createDirectories() {
            try {
                Files.createDirectories(dataDir);
            } catch (IOException e) {
                throw new InfrastructureFailure("cannot create " + dataDir + ": " + e, null);
            }
        }
    }

    // ---------------------------------------------------------------- the client's own record

    /** A write the client sent and saw no answer to (or an answer that does not tell): it may or may not have happened. */
    enum WriteKind { CREATE, REPLACE, STOCK, DELETE }

    record ItemState(String name, String sku, int quantity, int threshold, String description, boolean lowStock,
                     long version) {
        static ItemState of(JsonNode item) {
            return new ItemState(item.path("name").asText(), textOrNull(item.get("sku")), item.path("quantity").asInt(),
                    item.path("lowStockThreshold").asInt(), textOrNull(item.get("description")),
                    item.path("lowStock").asBoolean(), item.path("version").asLong());
        }

        boolean sameContent(ItemState other) {
            return name.equals(other.name) && Objects.equals(sku, other.sku) && quantity == other.quantity
                    && threshold == other.threshold && Objects.equals(description, other.description);
        }

        String describe() {
            return "name=" + name + " quantity=" + quantity + " threshold=" + threshold;
        }
    }

    /** An event the receiver should see (or may see): its organization, its fingerprint, and when its write was sent. */
    record ExpectedEvent(String fingerprint, long writeSentNanos) {
    }

    record PendingWrite(WriteKind kind, ItemState predicted, List<ExpectedEvent> events) {
    }

    static final class ItemRecord {
        String id;
        ItemState acknowledged;
        boolean deleted;
        PendingWrite pending;
        long acknowledgedNanos;

        boolean writable() {
            return acknowledged != null && !deleted && pending == null;
        }
    }

    static final class KeyRecord {
        String id;
        String secret;
        String retiredSecret;
        boolean revoked;
        String pendingOperation;
        long acknowledgedNanos;
        final Map<String, Integer> servedByPath = new LinkedHashMap<>();
        final Map<String, Long> lastServedNanos = new HashMap<>();

        boolean usable() {
            return id != null && !revoked && pendingOperation == null;
        }
    }

    static final class SubscriptionRecord {
        String path;
        String url;
        String id;
        String secret;
        long acknowledgedNanos;
        boolean visibleAfterRestart;

        boolean acknowledged() {
            return id != null;
        }
    }

    static final class OrganizationRecord {
        String name;
        String email;
        String id;
        boolean acknowledged;
    }

    /** One client's organization and everything it did there; only its own client thread touches it until the crash. */
    static final class Tenant {
        final String label;
        final OrganizationRecord organization = new OrganizationRecord();
        String token;
        final List<OrganizationRecord> otherSignups = new ArrayList<>();
        final List<ItemRecord> items = new ArrayList<>();
        final List<KeyRecord> keys = new ArrayList<>();
        final List<SubscriptionRecord> subscriptions = new ArrayList<>();
        final List<ExpectedEvent> acknowledgedEvents = new ArrayList<>();
        int acknowledgedWrites;
        int rejectedWrites;
        RuntimeException failure;
        final List<String> notes = new ArrayList<>();
        int sequence;

        Tenant(String label) {
            this.label = label;
        }

        String unique(String what) {
            return label + "-" + what + "-" + (++sequence);
        }

        int inFlight() {
            int count = 0;
            count += items.stream().filter(i -> i.pending != null).count();
            count += keys.stream().filter(k -> k.pendingOperation != null).count();
            count += subscriptions.stream().filter(s -> !s.acknowledged()).count();
            count += otherSignups.stream().filter(o -> !o.acknowledged).count();
            return count + (organization.acknowledged ? 0 : 1);
        }
    }

    static String createdFingerprint(String name) {
        return "item.created|" + name;
    }

    static String replacedFingerprint(String name) {
        return "item.updated|" + name;
    }

    static String stockFingerprint(String itemId, int quantity, int delta) {
        return "item.updated|" + itemId + "|" + quantity + "|" + delta;
    }

    static String deletedFingerprint(String itemId) {
        return "item.deleted|" + itemId;
    }

    static String lowStockFingerprint(String itemId, int quantity) {
        return "item.low_stock|" + itemId + "|" + quantity;
    }

    /** The same fingerprint, read from a received payload. */
    static String fingerprintOf(JsonNode payload) {
        JsonNode data = payload.path("data");
        String itemId = data.path("itemId").asText();
        return switch (payload.path("event").asText()) {
            case "item.created" -> createdFingerprint(data.path("name").asText());
            case "item.updated" -> data.has("delta")
                    ? stockFingerprint(itemId, data.path("quantity").asInt(), data.path("delta").asInt())
                    : replacedFingerprint(data.path("name").asText());
            case "item.deleted" -> deletedFingerprint(itemId);
            case "item.low_stock" -> lowStockFingerprint(itemId, data.path("quantity").asInt());
            default -> "unexpected|" + payload.path("event").asText();
        };
    }

    // ---------------------------------------------------------------- load

    /** The server answered in a way that says nothing about whether the write happened (no answer, or a 5xx). */
    static final class OutcomeUnknown extends Exception {
        OutcomeUnknown(String message) {
            super(message);
        }
    }

    /** One concurrent client: signs up its organization, then does random work until told to stop. */
    static final class Client implements Runnable {
        final Tenant tenant;
        final Api api;
        final Receiver receiver;
        final CountDownLatch setUp;
        final AtomicBoolean stopping;
        final Random random;

        Client(Tenant tenant, Api api, Receiver receiver, CountDownLatch setUp, AtomicBoolean stopping, Random random) {
            this.tenant = tenant;
            this.api = api;
            this.receiver = receiver;
            this.setUp = setUp;
            this.stopping = stopping;
            this.random = random;
        }

        @Override
        public void run() {
            try {
                try {
                    setUp();
                } finally {
                    setUp.countDown();
                }
                while (tenant.organization.acknowledged && !stopping.get()) {
                    step();
                }
            } catch (OutcomeUnknown e) {
                if (!stopping.get()) {
                    tenant.notes.add("a write's outcome is unknown while the server was up: " + e.getMessage());
                }
            } catch (RuntimeException e) {
                tenant.failure = e;
            }
        }

        void setUp() throws OutcomeUnknown {
            signUp(tenant.organization);
            if (tenant.organization.acknowledged) {
                subscribe();
                issueKey();
            }
        }

        /** One random operation; a write whose outcome is unknown stops this client. */
        void step() throws OutcomeUnknown {
            int dice = random.nextInt(100);
            if (dice < 22) {
                createItem();
            } else if (dice < 50) {
                withWritableItem(this::adjustStockAcrossThreshold);
            } else if (dice < 58) {
                withWritableItem(this::replaceItem);
            } else if (dice < 62) {
                withWritableItem(this::deleteItem);
            } else if (dice < 85) {
                readWithKey();
            } else if (dice < 89) {
                issueKey();
            } else if (dice < 92) {
                withUsableKey(this::rotateKey);
            } else if (dice < 94) {
                withUsableKey(this::revokeKey);
            } else if (dice < 97) {
                if (tenant.subscriptions.size() < 3) {
                    subscribe();
                }
            } else {
                OrganizationRecord other = new OrganizationRecord();
                tenant.otherSignups.add(other);
                signUp(other);
            }
        }

        interface ItemOperation {
            void apply(ItemRecord item) throws OutcomeUnknown;
        }

        interface KeyOperation {
            void apply(KeyRecord key) throws OutcomeUnknown;
        }

        void withWritableItem(ItemOperation operation) throws OutcomeUnknown {
            List<ItemRecord> writable = tenant.items.stream().filter(ItemRecord::writable).toList();
            if (writable.isEmpty()) {
                createItem();
            } else {
                operation.apply(writable.get(random.nextInt(writable.size())));
            }
        }

        void withUsableKey(KeyOperation operation) throws OutcomeUnknown {
            List<KeyRecord> usable = tenant.keys.stream().filter(KeyRecord::usable).toList();
            if (usable.isEmpty()) {
                issueKey();
            } else {
                operation.apply(usable.get(random.nextInt(usable.size())));
            }
        }

        void signUp(OrganizationRecord organization) throws OutcomeUnknown {
            organization.name = tenant.unique("org");
            organization.email = organization.name + "@example.com";
            Api.Answer answer = expect(api.post("/api/v1/auth/signup", null, Map.of("organization", organization.name,
                    "email", organization.email, "password", PASSWORD)));
            if (answer.ok()) {
                organization.id = answer.body().path("organizationId").asText();
                organization.acknowledged = true;
                tenant.acknowledgedWrites++;
                if (organization == tenant.organization) {
                    tenant.token = answer.body().path("token").asText();
                }
            }
        }

        void createItem() throws OutcomeUnknown {
            ItemRecord item = new ItemRecord();
            String name = tenant.unique("item");
            int threshold = 3 + random.nextInt(6);
            int quantity = threshold + 1 + random.nextInt(25);
            ItemState predicted = new ItemState(name, "SKU-" + tenant.sequence, quantity, threshold, "made by the crash test",
                    false, 0);
            long sent = System.nanoTime();
            item.pending = new PendingWrite(WriteKind.CREATE, predicted, List.of(new ExpectedEvent(createdFingerprint(name), sent)));
            tenant.items.add(item);
            Api.Answer answer = expect(api.post("/api/v1/items", tenant.token, itemBody(predicted)));
            if (answer.ok()) {
                item.id = answer.body().path("id").asText();
                acknowledge(item, ItemState.of(answer.body()));
            } else {
                rejected(item, answer);
            }
        }

        void adjustStockAcrossThreshold(ItemRecord item) throws OutcomeUnknown {
            ItemState now = item.acknowledged;
            int delta = now.lowStock()
                    ? now.threshold() + 1 - now.quantity() + random.nextInt(15)
                    : -Math.min(now.quantity(), now.quantity() - now.threshold() + random.nextInt(3));
            if (delta == 0) {
                delta = 1;
            }
            int quantity = now.quantity() + delta;
            ItemState predicted = new ItemState(now.name(), now.sku(), quantity, now.threshold(), now.description(),
                    quantity <= now.threshold(), 0);
            item.pending = predictedWrite(WriteKind.STOCK, item, predicted, stockFingerprint(item.id, quantity, delta));
            Api.Answer answer = expect(api.post("/api/v1/items/" + item.id + "/stock", tenant.token,
                    Map.of("delta", delta), ifMatch(now)));
            if (answer.ok()) {
                acknowledge(item, ItemState.of(answer.body()));
            } else {
                rejected(item, answer);
            }
        }

        void replaceItem(ItemRecord item) throws OutcomeUnknown {
            ItemState now = item.acknowledged;
            String name = tenant.unique("item");
            int quantity = random.nextBoolean() ? now.quantity() : random.nextInt(now.threshold() * 3 + 1);
            ItemState predicted = new ItemState(name, now.sku(), quantity, now.threshold(), "replaced by the crash test",
                    quantity <= now.threshold(), 0);
            item.pending = predictedWrite(WriteKind.REPLACE, item, predicted, replacedFingerprint(name));
            Api.Answer answer = expect(api.put("/api/v1/items/" + item.id, tenant.token, itemBody(predicted), ifMatch(now)));
            if (answer.ok()) {
                acknowledge(item, ItemState.of(answer.body()));
            } else {
                rejected(item, answer);
            }
        }

        void deleteItem(ItemRecord item) throws OutcomeUnknown {
            item.pending = new PendingWrite(WriteKind.DELETE, null,
                    List.of(new ExpectedEvent(deletedFingerprint(item.id), System.nanoTime())));
            Api.Answer answer = expect(api.delete("/api/v1/items/" + item.id, tenant.token, ifMatch(item.acknowledged)));
            if (answer.ok()) {
                item.deleted = true;
                acknowledgeEvents(item);
            } else {
                rejected(item, answer);
            }
        }

        /** A write's predicted state and events: the change itself and, when it crosses the threshold, the low-stock alert. */
        PendingWrite predictedWrite(WriteKind kind, ItemRecord item, ItemState predicted, String changeFingerprint) {
            long sent = System.nanoTime();
            List<ExpectedEvent> events = new ArrayList<>(List.of(new ExpectedEvent(changeFingerprint, sent)));
            if (!item.acknowledged.lowStock() && predicted.lowStock()) {
                events.add(new ExpectedEvent(lowStockFingerprint(item.id, predicted.quantity()), sent));
            }
            return new PendingWrite(kind, predicted, events);
        }

        void acknowledge(ItemRecord item, ItemState answered) {
            if (!answered.sameContent(item.pending.predicted()) || answered.lowStock() != item.pending.predicted().lowStock()) {
                tenant.notes.add("item " + item.id + " answered " + answered.describe() + ", the client expected "
                        + item.pending.predicted().describe());
            }
            item.acknowledged = answered;
            acknowledgeEvents(item);
        }

        void acknowledgeEvents(ItemRecord item) {
            item.acknowledgedNanos = System.nanoTime();
            tenant.acknowledgedEvents.addAll(item.pending.events());
            item.pending = null;
            tenant.acknowledgedWrites++;
        }

        void rejected(ItemRecord item, Api.Answer answer) {
            tenant.rejectedWrites++;
            tenant.notes.add(item.pending.kind() + " of item " + item.id + " was refused: " + answer.status() + " "
                    + answer.body());
            item.pending = null;
            if (item.acknowledged == null) {
                tenant.items.remove(item);
            }
        }

        void readWithKey() throws OutcomeUnknown {
            List<KeyRecord> usable = tenant.keys.stream().filter(KeyRecord::usable).toList();
            if (usable.isEmpty()) {
                issueKey();
                return;
            }
            KeyRecord key = usable.get(random.nextInt(usable.size()));
            List<ItemRecord> live = tenant.items.stream().filter(ItemRecord::writable).toList();
            String path = live.isEmpty() || random.nextBoolean() ? "/api/v1/items"
                    : "/api/v1/items/" + live.get(random.nextInt(live.size())).id;
            Optional<Api.Answer> answer = api.getWithKey(path, key.secret);
            if (answer.isPresent() && answer.get().ok()) {
                key.servedByPath.merge(path, 1, Integer::sum);
                key.lastServedNanos.put(path, System.nanoTime());
            } else if (answer.isPresent() && !stopping.get()) {
                tenant.notes.add("GET " + path + " with key " + key.id + " answered " + answer.get().status());
            }
        }

        void issueKey() throws OutcomeUnknown {
            KeyRecord key = new KeyRecord();
            key.pendingOperation = "issue";
            tenant.keys.add(key);
            Api.Answer answer = expect(api.post("/api/v1/api-keys", tenant.token, Map.of("name", tenant.unique("key"),
                    "scopes", List.of("items:read", "webhooks:read"), "environment", "test",
                    "rateLimitPerMinute", 1_000_000)));
            if (answer.ok()) {
                key.id = answer.body().path("id").asText();
                key.secret = answer.body().path("key").asText();
                acknowledge(key);
            } else {
                keyRejected(key, answer);
                tenant.keys.remove(key);
            }
        }

        void rotateKey(KeyRecord key) throws OutcomeUnknown {
            key.pendingOperation = "rotate";
            Api.Answer answer = expect(api.post("/api/v1/api-keys/" + key.id + "/rotate", tenant.token,
                    Map.of("gracePeriodSeconds", 0)));
            if (answer.ok()) {
                key.retiredSecret = key.secret;
                key.secret = answer.body().path("key").asText();
                acknowledge(key);
            } else {
                keyRejected(key, answer);
            }
        }

        void revokeKey(KeyRecord key) throws OutcomeUnknown {
            key.pendingOperation = "revoke";
            Api.Answer answer = expect(api.delete("/api/v1/api-keys/" + key.id, tenant.token, null));
            if (answer.ok()) {
                key.revoked = true;
                acknowledge(key);
            } else {
                keyRejected(key, answer);
            }
        }

        void acknowledge(KeyRecord key) {
            key.pendingOperation = null;
            key.acknowledgedNanos = System.nanoTime();
            tenant.acknowledgedWrites++;
        }

        void keyRejected(KeyRecord key, Api.Answer answer) {
            tenant.rejectedWrites++;
            tenant.notes.add(key.pendingOperation + " of key " + key.id + " was refused: " + answer.status() + " "
                    + answer.body());
            key.pendingOperation = null;
        }

        void subscribe() throws OutcomeUnknown {
            SubscriptionRecord subscription = new SubscriptionRecord();
            subscription.path = "/hooks/" + tenant.unique("hook");
            subscription.url = receiver.url(subscription.path);
            tenant.subscriptions.add(subscription);
            Api.Answer answer = expect(api.post("/api/v1/webhooks", tenant.token, Map.of("url", subscription.url,
                    "eventTypes", EVENT_TYPES, "description", "crash test")));
            if (answer.ok()) {
                subscription.id = answer.body().path("id").asText();
                subscription.secret = answer.body().path("secret").asText();
                subscription.acknowledgedNanos = System.nanoTime();
                tenant.acknowledgedWrites++;
            } else {
                tenant.rejectedWrites++;
                tenant.notes.add("subscription was refused: " + answer.status() + " " + answer.body());
                tenant.subscriptions.remove(subscription);
            }
        }

        /** A 2xx or 4xx answer; no answer or a 5xx leaves the write's outcome unknown. */
        Api.Answer expect(Optional<Api.Answer> answer) throws OutcomeUnknown {
            if (answer.isEmpty()) {
                throw new OutcomeUnknown("no answer");
            }
            if (answer.get().status() >= 500) {
                throw new OutcomeUnknown(answer.get().status() + " " + answer.get().body());
            }
            return answer.get();
        }

        static Map<String, Object> itemBody(ItemState state) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", state.name());
            body.put("sku", state.sku());
            body.put("quantity", state.quantity());
            body.put("lowStockThreshold", state.threshold());
            body.put("description", state.description());
            return body;
        }

        static Map<String, String> ifMatch(ItemState state) {
            return Map.of("If-Match", "\"" + state.version() + "\"");
        }
    }

    // ---------------------------------------------------------------- verification after the restart

    static final class Verifier {
        final Api api;
        final Receiver receiver;
        final List<Tenant> tenants;
        final RoundResult result;
        /** Per tenant: events of writes in flight at the crash that are visible after the restart. */
        final Map<Tenant, List<ExpectedEvent>> committedInFlight = new HashMap<>();
        final Map<Tenant, String> tokens = new HashMap<>();
        final long crashNanos;

        Verifier(Api api, Receiver receiver, List<Tenant> tenants, RoundResult result, long crashNanos) {
            this.api = api;
            this.receiver = receiver;
            this.tenants = tenants;
            this.result = result;
            this.crashNanos = crashNanos;
        }

        /** When the client saw an answer, against the kill signal (an answer the server sent just before can be read just after). */
        String beforeCrash(long nanos) {
            double seconds = (crashNanos - nanos) / 1e9;
            return seconds >= 0 ? String.format("%.2f s before the kill", seconds)
                    : String.format("read %.2f s after the kill signal", -seconds);
        }

        void verify() {
            for (Tenant tenant : tenants) {
                if (tenant.failure != null) {
                    throw new InfrastructureFailure("client " + tenant.label + " failed: " + tenant.failure, null);
                }
            }
            for (Tenant tenant : tenants) {
                result.acknowledged += tenant.acknowledgedWrites;
                result.inFlight += tenant.inFlight();
                result.refused += tenant.rejectedWrites;
                tenant.notes.forEach(note -> result.problem(tenant.label + ": note: " + note));
                committedInFlight.put(tenant, new ArrayList<>());
                verifyOrganizations(tenant);
            }
            awaitProjectionsCaughtUp();
            for (Tenant tenant : tenants) {
                if (tokens.containsKey(tenant)) {
                    verifyItems(tenant);
                    verifyKeys(tenant);
                    verifySubscriptions(tenant);
                }
            }
            verifyDeliveries();
            verifyAudit();
            verifyStillGone();
            api.close();
        }

        void lost(String what) {
            result.lost++;
            result.problem("LOST: " + what);
        }

        void phantom(String what) {
            result.phantom++;
            result.problem("PHANTOM: " + what);
        }

        /**
         * Processors are single-threaded and keep the stream's order, so once a write made now is readable
         * (a write answers only then), its projection has handled every event from before the crash too.
         * The writes go to an organization of their own, which has no subscription to any item event.
         */
        void awaitProjectionsCaughtUp() {
            String email = "barrier-" + System.nanoTime() + "@example.com";
            String token = barrierWrite("signup", api.post("/api/v1/auth/signup", null,
                    Map.of("organization", "barrier", "email", email, "password", PASSWORD))).path("token").asText();
            barrierWrite("item", api.post("/api/v1/items", token, Map.of("name", "barrier", "quantity", 1)));
            barrierWrite("API key", api.post("/api/v1/api-keys", token, Map.of("name", "barrier",
                    "scopes", List.of("items:read"))));
            barrierWrite("subscription", api.post("/api/v1/webhooks", token, Map.of("url",
                    receiver.url("/barrier"), "eventTypes", List.of("user.added"))));
        }

        JsonNode barrierWrite(String what, Optional<Api.Answer> answer) {
            Api.Answer answered = api.require(answer, "barrier " + what);
            if (!answered.ok()) {
                throw new InfrastructureFailure("the restarted server refused a new " + what + ": " + answered.status()
                        + " " + answered.body(), null);
            }
            return answered.body();
        }

        void verifyOrganizations(Tenant tenant) {
            Optional<String> token = login(tenant.organization);
            token.ifPresent(t -> tokens.put(tenant, t));
            for (OrganizationRecord other : tenant.otherSignups) {
                login(other);
            }
        }

        /** Logs in to an acknowledged organization (a loss if that fails); tries an organization whose signup was in flight. */
        Optional<String> login(OrganizationRecord organization) {
            if (organization.email == null) {
                return Optional.empty();
            }
            Api.Answer answer = api.require(api.post("/api/v1/auth/login", null,
                    Map.of("email", organization.email, "password", PASSWORD)), "login");
            if (answer.ok()) {
                return Optional.of(answer.body().path("token").asText());
            }
            if (organization.acknowledged) {
                lost("signup of " + organization.email + " (organization " + organization.id + "): login answered "
                        + answer.status());
            }
            return Optional.empty();
        }

        void verifyItems(Tenant tenant) {
            String token = tokens.get(tenant);
            Map<String, JsonNode> listed = listAll("/api/v1/items", token);
            Set<String> known = new HashSet<>();
            for (ItemRecord item : tenant.items) {
                if (item.id != null) {
                    known.add(item.id);
                }
                if (item.acknowledged == null) {
                    verifyCreateInFlight(tenant, item, listed, known);
                } else {
                    verifyItem(tenant, item, token);
                }
            }
            for (JsonNode unknown : listed.values()) {
                if (!known.contains(unknown.path("id").asText())) {
                    phantom(tenant.label + ": item " + unknown.path("id").asText() + " (" + unknown.path("name").asText()
                            + ") that no client created");
                }
            }
        }

        void verifyCreateInFlight(Tenant tenant, ItemRecord item, Map<String, JsonNode> listed, Set<String> known) {
            String name = item.pending.predicted().name();
            listed.values().stream().filter(listedItem -> listedItem.path("name").asText().equals(name)).findFirst()
                    .ifPresent(committed -> {
                        known.add(committed.path("id").asText());
                        committedInFlight.get(tenant).addAll(item.pending.events());
                    });
        }

        void verifyItem(Tenant tenant, ItemRecord item, String token) {
            Api.Answer answer = api.require(api.get("/api/v1/items/" + item.id, token), "read item");
            Optional<ItemState> found = answer.ok() ? Optional.of(ItemState.of(answer.body())) : Optional.empty();
            if (answer.status() != 200 && answer.status() != 404) {
                lost(tenant.label + ": item " + item.id + " answers " + answer.status() + " " + answer.body());
                return;
            }
            if (item.deleted) {
                found.ifPresent(state -> lost(tenant.label + ": item " + item.id + " was deleted (acknowledged "
                        + beforeCrash(item.acknowledgedNanos) + ") but is back: " + state.describe()));
                return;
            }
            if (item.pending != null && committed(item.pending, found)) {
                committedInFlight.get(tenant).addAll(item.pending.events());
                return;
            }
            if (found.isEmpty()) {
                lost(tenant.label + ": item " + item.id + " (" + item.acknowledged.describe() + ", acknowledged "
                        + beforeCrash(item.acknowledgedNanos) + ") is gone");
            } else if (!found.get().sameContent(item.acknowledged)) {
                lost(tenant.label + ": item " + item.id + " shows " + found.get().describe() + " (version "
                        + found.get().version() + "), acknowledged " + item.acknowledged.describe() + " (version "
                        + item.acknowledged.version() + ") " + beforeCrash(item.acknowledgedNanos)
                        + (item.pending == null ? "" : ", in flight " + item.pending.kind()));
            }
        }

        static boolean committed(PendingWrite pending, Optional<ItemState> found) {
            return pending.kind() == WriteKind.DELETE ? found.isEmpty()
                    : found.isPresent() && found.get().sameContent(pending.predicted());
        }

        void verifyKeys(Tenant tenant) {
            for (KeyRecord key : tenant.keys) {
                if (key.id == null || key.pendingOperation != null) {
                    continue;
                }
                int current = keyStatus(key.secret);
                if (key.revoked) {
                    if (current != 401) {
                        lost(tenant.label + ": key " + key.id + " was revoked (acknowledged "
                                + beforeCrash(key.acknowledgedNanos) + ") but answers " + current);
                    }
                } else if (current != 200) {
                    lost(tenant.label + ": key " + key.id + " (active, acknowledged " + beforeCrash(key.acknowledgedNanos)
                            + ") answers " + current);
                }
                if (key.retiredSecret != null && keyStatus(key.retiredSecret) != 401) {
                    lost(tenant.label + ": key " + key.id + " was rotated with no grace period ("
                            + beforeCrash(key.acknowledgedNanos) + ") but its old secret works");
                }
            }
        }

        int keyStatus(String secret) {
            return api.require(api.getWithKey("/api/v1/auth/me", secret), "authenticate with a key").status();
        }

        void verifySubscriptions(Tenant tenant) {
            String token = tokens.get(tenant);
            Map<String, JsonNode> listed = listAll("/api/v1/webhooks", token);
            Set<String> listedUrls = new HashSet<>();
            listed.values().forEach(s -> listedUrls.add(s.path("url").asText()));
            for (SubscriptionRecord subscription : tenant.subscriptions) {
                subscription.visibleAfterRestart = listedUrls.contains(subscription.url);
                if (!subscription.acknowledged()) {
                    continue;
                }
                Api.Answer answer = api.require(api.get("/api/v1/webhooks/" + subscription.id, token), "read subscription");
                if (!answer.ok() || !answer.body().path("url").asText().equals(subscription.url)) {
                    lost(tenant.label + ": subscription " + subscription.id + " answers " + answer.status());
                }
            }
        }

        Map<String, JsonNode> listAll(String path, String token) {
            Map<String, JsonNode> all = new LinkedHashMap<>();
            for (int page = 0; page < 1000; page++) {
                Api.Answer answer = api.require(api.get(path + "?size=100&page=" + page, token), "list " + path);
                if (!answer.ok()) {
                    throw new InfrastructureFailure("GET " + path + " answered " + answer.status() + " " + answer.body(), null);
                }
                JsonNode entries = firstArray(answer.body());
                entries.forEach(entry -> all.put(entry.path("id").asText(), entry));
                if (entries.size() < 100) {
                    break;
                }
            }
            return all;
        }

        static JsonNode firstArray(JsonNode page) {
            for (JsonNode field : page) {
                if (field.isArray()) {
                    return field;
                }
            }
            throw new IllegalStateException("no list in " + page);
        }

        // ---- deliveries

        /**
         * What the receiver got for one subscription, event by event; delivered: a validly signed
         * request of it was answered with a 2xx.
         */
        record ReceivedEvent(String eventId, String fingerprint, String organizationId, Set<String> webhookIds,
                             boolean delivered, int badSignatures) {
        }

        void verifyDeliveries() {
            Map<SubscriptionRecord, Map<String, Integer>> required = new LinkedHashMap<>();
            for (Tenant tenant : tenants) {
                for (SubscriptionRecord subscription : tenant.subscriptions) {
                    if (subscription.acknowledged()) {
                        required.put(subscription, countEvents(tenant.acknowledgedEvents.stream()
                                .filter(e -> e.writeSentNanos() > subscription.acknowledgedNanos)));
                    }
                }
            }
            result.deliveriesExpected = required.values().stream().flatMap(m -> m.values().stream()).mapToInt(i -> i).sum();
            awaitUntil(DELIVERY_DEADLINE, () -> missingDeliveries(required) == 0);
            result.missing = missingDeliveries(required);
            for (Tenant tenant : tenants) {
                for (SubscriptionRecord subscription : tenant.subscriptions) {
                    checkReceived(tenant, subscription, required.getOrDefault(subscription, Map.of()));
                }
            }
            checkUnknownPaths();
        }

        int missingDeliveries(Map<SubscriptionRecord, Map<String, Integer>> required) {
            int missing = 0;
            for (Map.Entry<SubscriptionRecord, Map<String, Integer>> entry : required.entrySet()) {
                Map<String, Integer> delivered = count(receivedEvents(entry.getKey()).stream()
                        .filter(ReceivedEvent::delivered).map(ReceivedEvent::fingerprint));
                for (Map.Entry<String, Integer> expected : entry.getValue().entrySet()) {
                    missing += Math.max(0, expected.getValue() - delivered.getOrDefault(expected.getKey(), 0));
                }
            }
            return missing;
        }

        void checkReceived(Tenant tenant, SubscriptionRecord subscription, Map<String, Integer> required) {
            List<ReceivedEvent> events = receivedEvents(subscription);
            result.deliveriesReceived += events.size();
            Map<String, Integer> allowed = countEvents(Stream.concat(tenant.acknowledgedEvents.stream(),
                    committedInFlight.get(tenant).stream()));
            Map<String, Integer> received = count(events.stream().map(ReceivedEvent::fingerprint));
            Map<String, Integer> delivered = count(events.stream().filter(ReceivedEvent::delivered)
                    .map(ReceivedEvent::fingerprint));
            for (Map.Entry<String, Integer> expected : required.entrySet()) {
                int got = delivered.getOrDefault(expected.getKey(), 0);
                if (got < expected.getValue()) {
                    result.problem("MISSING: " + tenant.label + " " + subscription.path + ": " + expected.getKey()
                            + " expected " + expected.getValue() + ", delivered (validly signed, answered 2xx) " + got);
                }
            }
            if (!subscription.acknowledged() && !subscription.visibleAfterRestart && !events.isEmpty()) {
                phantom(tenant.label + " " + subscription.path + ": " + events.size()
                        + " events delivered to a subscription that does not exist");
                return;
            }
            for (Map.Entry<String, Integer> got : received.entrySet()) {
                int extra = got.getValue() - allowed.getOrDefault(got.getKey(), 0);
                if (extra > 0) {
                    result.phantom += extra;
                    result.problem("PHANTOM: " + tenant.label + " " + subscription.path + ": " + got.getKey() + " received "
                            + got.getValue() + " distinct events, acknowledged or committed writes explain "
                            + allowed.getOrDefault(got.getKey(), 0));
                }
            }
            for (ReceivedEvent event : events) {
                checkOneEvent(tenant, subscription, event);
            }
        }

        void checkOneEvent(Tenant tenant, SubscriptionRecord subscription, ReceivedEvent event) {
            if (event.webhookIds().size() > 1) {
                result.webhookIdChanged++;
                result.problem("WEBHOOK-ID CHANGED: " + subscription.path + " event " + event.eventId() + ": "
                        + event.webhookIds());
            }
            if (event.badSignatures() > 0) {
                result.badSignatures += event.badSignatures();
                result.problem("BAD SIGNATURE: " + subscription.path + " event " + event.eventId() + ": "
                        + event.badSignatures() + " requests");
            }
            if (!event.organizationId().equals(tenant.organization.id)) {
                phantom(subscription.path + " event " + event.eventId() + " of organization " + event.organizationId());
            }
        }

        void checkUnknownPaths() {
            Set<String> known = new HashSet<>();
            tenants.forEach(t -> t.subscriptions.forEach(s -> known.add(s.path)));
            receiver.received().stream().map(Receiver.Request::path).filter(path -> !known.contains(path)).distinct()
                    .forEach(path -> phantom("delivery to " + path + ", which no client subscribed"));
        }

        List<ReceivedEvent> receivedEvents(SubscriptionRecord subscription) {
            Map<String, List<Receiver.Request>> byEvent = new LinkedHashMap<>();
            for (Receiver.Request request : receiver.received()) {
                if (request.path().equals(subscription.path)) {
                    byEvent.computeIfAbsent(request.payload().path("id").asText(), id -> new ArrayList<>()).add(request);
                }
            }
            List<ReceivedEvent> events = new ArrayList<>();
            byEvent.forEach((eventId, requests) -> events.add(receivedEvent(subscription, eventId, requests)));
            return events;
        }

        static ReceivedEvent receivedEvent(SubscriptionRecord subscription, String eventId, List<Receiver.Request> requests) {
            Set<String> webhookIds = new HashSet<>();
            int valid = 0;
            boolean delivered = false;
            for (Receiver.Request request : requests) {
                webhookIds.add(request.webhookId());
                if (subscription.secret == null || Signatures.valid(subscription.secret, request)) {
                    valid++;
                    delivered |= request.succeeded();
                }
            }
            JsonNode payload = requests.get(0).payload();
            return new ReceivedEvent(eventId, fingerprintOf(payload), payload.path("organization_id").asText(),
                    webhookIds, delivered, requests.size() - valid);
        }

        static Map<String, Integer> countEvents(Stream<ExpectedEvent> events) {
            return count(events.map(ExpectedEvent::fingerprint));
        }

        static Map<String, Integer> count(Stream<String> fingerprints) {
            Map<String, Integer> counts = new HashMap<>();
            fingerprints.forEach(fingerprint -> counts.merge(fingerprint, 1, Integer::sum));
            return counts;
        }

        // ---- usage audit

        void verifyAudit() {
            Map<KeyRecord, String> tokenByKey = new LinkedHashMap<>();
            for (Tenant tenant : tenants) {
                String token = tokens.get(tenant);
                tenant.keys.stream().filter(k -> k.id != null && !k.servedByPath.isEmpty() && token != null)
                        .forEach(k -> tokenByKey.put(k, token));
            }
            result.auditChecked = tokenByKey.keySet().stream()
                    .mapToInt(k -> k.servedByPath.values().stream().mapToInt(i -> i).sum()).sum();
            awaitUntil(AUDIT_DEADLINE, () -> missingAudit(tokenByKey, false) == 0);
            result.auditMissing = missingAudit(tokenByKey, true);
            if (result.auditMissing > 0) {
                tellProjectionFromEventStore(tokenByKey);
            }
        }

        /**
         * Rebuilds the usage projection from the event store and counts again: entries that appear now
         * were in the event store and only the projection had lost them.
         */
        void tellProjectionFromEventStore(Map<KeyRecord, String> tokenByKey) {
            // A replay of a whole processing group is an operator's: the server names this one.
            Api.Answer operator = api.require(api.post("/api/v1/auth/signup", null, Map.of("organization", "operator",
                    "email", OPERATOR_EMAIL, "password", PASSWORD)), "sign up the operator");
            if (!operator.ok()) {
                result.problem("could not sign up the operator: " + operator.status() + " " + operator.body());
                return;
            }
            String token = operator.body().path("token").asText();
            Api.Answer started = api.require(api.post("/api/v1/admin/replays", token,
                    Map.of("processingGroup", "api-key-usage")), "start a replay");
            if (!started.ok()) {
                result.problem("could not replay api-key-usage: " + started.status() + " " + started.body());
                return;
            }
            String id = started.body().path("id").asText();
            AtomicBoolean done = new AtomicBoolean();
            awaitUntil(REPLAY_DEADLINE, () -> {
                done.set(api.require(api.get("/api/v1/admin/replays/" + id, token), "replay progress").body()
                        .path("done").asBoolean());
                return done.get();
            });
            int stillMissing = missingAudit(tokenByKey, false);
            result.problem(done.get()
                    ? "after a replay of api-key-usage from the event store " + stillMissing + " of "
                    + result.auditMissing + " audit entries are still missing"
                    + (stillMissing == 0 ? ": the event store has them, the projection had lost them"
                    : ": the event store does not have them")
                    : "the replay of api-key-usage did not finish within " + REPLAY_DEADLINE.toSeconds() + " s");
        }

        int missingAudit(Map<KeyRecord, String> tokenByKey, boolean report) {
            int missing = 0;
            for (Map.Entry<KeyRecord, String> entry : tokenByKey.entrySet()) {
                KeyRecord key = entry.getKey();
                Map<String, Integer> audited = allowedUsageByPath(key, entry.getValue());
                for (Map.Entry<String, Integer> served : key.servedByPath.entrySet()) {
                    int absent = served.getValue() - audited.getOrDefault(served.getKey(), 0);
                    if (absent > 0) {
                        missing += absent;
                        if (report) {
                            result.problem("AUDIT MISSING: key " + key.id + " GET " + served.getKey() + ": served "
                                    + served.getValue() + ", audited " + audited.getOrDefault(served.getKey(), 0)
                                    + "; last served " + beforeCrash(key.lastServedNanos.get(served.getKey())));
                        }
                    }
                }
            }
            return missing;
        }

        Map<String, Integer> allowedUsageByPath(KeyRecord key, String token) {
            Api.Answer answer = api.require(api.ndjson("/api/v1/api-keys/" + key.id + "/usage?outcome=allowed", token),
                    "read the usage audit");
            Map<String, Integer> byPath = new HashMap<>();
            if (!answer.ok()) {
                result.problem("usage audit of key " + key.id + " answered " + answer.status());
                return byPath;
            }
            for (JsonNode entry : answer.lines()) {
                if (entry.path("method").asText().equals("GET")) {
                    byPath.merge(entry.path("path").asText(), 1, Integer::sum);
                }
            }
            return byPath;
        }

        /** Deleted items stay deleted and revoked keys stay rejected, also after the deliveries and the audit settled. */
        void verifyStillGone() {
            for (Tenant tenant : tenants) {
                String token = tokens.get(tenant);
                if (token == null) {
                    continue;
                }
                for (ItemRecord item : tenant.items) {
                    if (item.deleted && api.require(api.get("/api/v1/items/" + item.id, token), "read item").status() != 404) {
                        lost(tenant.label + ": deleted item " + item.id + " came back");
                    }
                }
                for (KeyRecord key : tenant.keys) {
                    if (key.revoked && key.pendingOperation == null && keyStatus(key.secret) != 401) {
                        lost(tenant.label + ": revoked key " + key.id + " works again");
                    }
                }
            }
        }
    }

    static void awaitUntil(Duration deadline, BooleanSupplier condition) {
        Instant end = Instant.now().plus(deadline);
        while (!condition.getAsBoolean() && Instant.now().isBefore(end)) {
            sleepMillis(500);
        }
    }

    // ---------------------------------------------------------------- signatures

    static final class Signatures {
        /** Standard Webhooks: {@code v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">}, any of the space-separated ones. */
        static boolean valid(String secret, Receiver.Request request) {
            if (request.webhookId() == null || request.timestamp() == null || request.signature() == null) {
                return false;
            }
            byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
            String expected = "v1," + Base64.getEncoder().encodeToString(hmac(key,
                    request.webhookId() + "." + request.timestamp() + "." + new String(request.body(), StandardCharsets.UTF_8)));
            for (String signature : request.signature().split(" ")) {
                if (java.security.MessageDigest.isEqual(signature.getBytes(StandardCharsets.UTF_8),
                        expected.getBytes(StandardCharsets.UTF_8))) {
                    return true;
                }
            }
            return false;
        }

        static byte[] hmac(byte[] key, String content) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                return mac.doFinal(content.getBytes(StandardCharsets.UTF_8));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    // ---------------------------------------------------------------- the webhook receiver

    /**
     * A local receiver (the JDK's HTTP server on loopback) that records every request and answers 200,
     * or 500 to a share of them (never more than a few times in a row for one webhook-id), so that
     * retries happen.
     */
    static final class Receiver implements AutoCloseable {
        record Request(String path, String webhookId, String timestamp, String signature, byte[] body, JsonNode payload,
                       int status, long receivedNanos) {
            boolean succeeded() {
                return status >= 200 && status < 300;
            }
        }

        private final HttpServer server;
        private final ExecutorService executor = Executors.newFixedThreadPool(4, daemon("receiver"));
        private final List<Request> received = new CopyOnWriteArrayList<>();
        private final double failureShare;
        private final int maxFailuresInARow;
        private final Random random;
        private final Map<String, Integer> failuresInARow = new HashMap<>();

        private Receiver(HttpServer server, double failureShare, int maxFailuresInARow, long seed) {
            this.server = server;
            this.failureShare = failureShare;
            this.maxFailuresInARow = maxFailuresInARow;
            this.random = new Random(seed);
            server.createContext("/", this::record);
            server.setExecutor(executor);
            server.start();
        }

        /** Answers every request with 200. */
        static Receiver start() {
            return start(0, 0, 0);
        }

        static Receiver start(double failureShare, int maxFailuresInARow, long seed) {
            for (int attempt = 0; attempt < 50; attempt++) {
                try {
                    return new Receiver(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                            Ports.free()), 64), failureShare, maxFailuresInARow, seed);
                } catch (IOException e) {
                    // taken between the check and the bind: try another port
                }
            }
            throw new InfrastructureFailure("no free port for the receiver in " + FIRST_PORT + "-" + LAST_PORT, null);
        }

        private void record(HttpExchange exchange) throws IOException {
            try (InputStream in = exchange.getRequestBody()) {
                byte[] body = in.readAllBytes();
                JsonNode payload;
                try {
                    payload = JSON.readTree(body);
                } catch (IOException e) {
                    payload = JSON.createObjectNode().put("unreadable", new String(body, StandardCharsets.UTF_8));
                }
                var headers = exchange.getRequestHeaders();
                String webhookId = headers.getFirst("webhook-id");
                int status = fails(webhookId) ? 500 : 200;
                received.add(new Request(exchange.getRequestURI().getPath(), webhookId,
                        headers.getFirst("webhook-timestamp"), headers.getFirst("webhook-signature"), body, payload,
                        status, System.nanoTime()));
                byte[] answer = (status == 200 ? "received" : "failing on purpose").getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status, answer.length);
                exchange.getResponseBody().write(answer);
            } finally {
                exchange.close();
            }
        }

        private synchronized boolean fails(String webhookId) {
            int inARow = failuresInARow.getOrDefault(webhookId, 0);
            boolean fails = failureShare > 0 && inARow < maxFailuresInARow && random.nextDouble() < failureShare;
            failuresInARow.put(webhookId, fails ? inARow + 1 : 0);
            return fails;
        }

        String url(String path) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + path;
        }

        List<Request> received() {
            return List.copyOf(received);
        }

        @Override
        public void close() {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- the API client

    /** JSON over the JDK's HTTP client, HTTP/1.1, with a timeout on every request. */
    static final class Api {
        record Answer(int status, JsonNode body, List<JsonNode> lines) {
            boolean ok() {
                return status >= 200 && status < 300;
            }
        }

        private final String base;
        private final ExecutorService executor = Executors.newCachedThreadPool(daemon("api-client"));
        private final HttpClient http;

        Api(String base) {
            this.base = base;
            this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                    .executor(executor).build();
        }

        Optional<Answer> post(String path, String token, Object body) {
            return post(path, token, body, Map.of());
        }

        Optional<Answer> post(String path, String token, Object body, Map<String, String> headers) {
            return send(request(path, token, headers).POST(json(body)));
        }

        Optional<Answer> put(String path, String token, Object body, Map<String, String> headers) {
            return send(request(path, token, headers).PUT(json(body)));
        }

        Optional<Answer> delete(String path, String token, Map<String, String> headers) {
            return send(request(path, token, headers == null ? Map.of() : headers).DELETE());
        }

        Optional<Answer> get(String path, String token) {
            return send(request(path, token, Map.of()).GET());
        }

        Optional<Answer> getWithKey(String path, String key) {
            return send(request(path, null, Map.of("X-API-Key", key)).GET());
        }

        Optional<Answer> ndjson(String path, String token) {
            return send(request(path, token, Map.of("Accept", "application/x-ndjson")).GET());
        }

        /** After the restart every request must be answered: no answer is an infrastructure failure. */
        Answer require(Optional<Answer> answer, String what) {
            return answer.orElseThrow(() -> new InfrastructureFailure("the restarted server did not answer: " + what, null));
        }

        private HttpRequest.Builder request(String path, String token, Map<String, String> headers) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json");
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            headers.forEach(request::header);
            return request;
        }

        private static HttpRequest.BodyPublisher json(Object body) {
            try {
                return HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private Optional<Answer> send(HttpRequest.Builder request) {
            try {
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                return Optional.of(answer(response));
            } catch (IOException e) {
                return Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }

        private static Answer answer(HttpResponse<String> response) {
            String text = response.body();
            List<JsonNode> lines = new ArrayList<>();
            JsonNode body = JSON.createObjectNode();
            try {
                if (response.headers().firstValue("Content-Type").orElse("").contains("ndjson")) {
                    for (String line : text.split("\n")) {
                        if (!line.isBlank()) {
                            lines.add(JSON.readTree(line));
                        }
                    }
                } else if (!text.isBlank()) {
                    body = JSON.readTree(text);
                }
            } catch (IOException e) {
                body = JSON.createObjectNode().put("unreadable", text);
            }
            return new Answer(response.statusCode(), body, lines);
        }

        void close() {
            executor.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- the server process

    static final class Server {
        /** Every server started, stopped (the latest first) when this JVM exits. */
        private static final List<Server> STARTED = new CopyOnWriteArrayList<>();

        static {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                for (int i = STARTED.size() - 1; i >= 0; i--) {
                    STARTED.get(i).stopQuietly();
                }
            }, "stop-server"));
        }

        final Process process;
        final int port;
        final Path dataDir;
        final Path log;

        private Server(Process process, int port, Path dataDir, Path log) {
            this.process = process;
            this.port = port;
            this.dataDir = dataDir;
            this.log = log;
        }

        static Server start(Path jar, Path dataDir, Path log, Path pidFile) {
            return start(jar, dataDir, log, pidFile, Ports.free(), List.of(), Map.of());
        }

        /** On a given port, with settings added to the ones below (never one of them) and environment variables. */
        static Server start(Path jar, Path dataDir, Path log, Path pidFile, int port, List<String> settings,
                            Map<String, String> environment) {
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> command = new ArrayList<>(List.of(java, "-Xms256m", "-Xmx768m", "-jar", jar.toString(),
                    "--server.address=127.0.0.1", "--server.port=" + port, "--keyhook.data-dir=" + dataDir,
                    "--keyhook.webhooks.allow-private-targets=true", "--keyhook.operators=" + OPERATOR_EMAIL,
                    "--keyhook.webhooks.retry.initial-delay=1s", "--keyhook.webhooks.retry.multiplier=2",
                    "--keyhook.api-keys.failed-auth-per-minute=1000000"));
            command.addAll(settings);
            try {
                Files.writeString(log, "=== starting the server on port " + port + " at " + Instant.now() + " ===\n",
                        StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
                builder.environment().putAll(environment);
                Process process = builder.start();
                Files.writeString(pidFile, process.pid() + "\n", StandardCharsets.UTF_8);
                Server server = new Server(process, port, dataDir, log);
                STARTED.add(server);
                return server;
            } catch (IOException e) {
                throw new InfrastructureFailure("cannot start the server: " + e, log);
            }
        }

        String base() {
            return "http://127.0.0.1:" + port;
        }

        void awaitHealthy(Duration deadline) {
            Api api = new Api(base());
            try {
                Instant end = Instant.now().plus(deadline);
                while (Instant.now().isBefore(end)) {
                    if (!process.isAlive()) {
                        throw new InfrastructureFailure("the server exited with " + process.exitValue()
                                + " before it was healthy", log);
                    }
                    Optional<Api.Answer> health = api.get("/actuator/health", null);
                    if (health.isPresent() && health.get().status() == 200) {
                        return;
                    }
                    sleepMillis(250);
                }
                throw new InfrastructureFailure("the server was not healthy within " + deadline.toSeconds() + " s", log);
            } finally {
                api.close();
            }
        }

        /** SIGKILL, and wait until the process is gone. */
        void killHard() {
            signalKill();
            if (!waitFor(Duration.ofSeconds(30))) {
                throw new InfrastructureFailure("the server survived SIGKILL for 30 s", log);
            }
        }

        void signalKill() {
            process.destroyForcibly();
        }

        /** SIGTERM, and wait for a graceful stop. */
        void stop(Duration deadline) {
            process.destroy();
            if (!waitFor(deadline)) {
                throw new InfrastructureFailure("the server did not stop within " + deadline.toSeconds() + " s of SIGTERM", log);
            }
        }

        void stopQuietly() {
            process.destroy();
            if (!waitFor(Duration.ofSeconds(10))) {
                process.destroyForcibly();
                waitFor(Duration.ofSeconds(10));
            }
            Postmaster.killLeftover(dataDir);
        }

        boolean waitFor(Duration deadline) {
            try {
                return process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** The embedded PostgreSQL of a data dir: its postmaster's pid is the first line of postgres/postmaster.pid. */
    static final class Postmaster {
        static OptionalLong pid(Path dataDir) {
            Path pidFile = dataDir.resolve("postgres").resolve("postmaster.pid");
            try {
                if (!Files.exists(pidFile)) {
                    return OptionalLong.empty();
                }
                List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
                return lines.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(lines.get(0).trim()));
            } catch (IOException | NumberFormatException e) {
                return OptionalLong.empty();
            }
        }

        /** SIGKILL to the postmaster's children and the postmaster, as a power cut would stop them. */
        static void killHard(long pid) {
            ProcessHandle.of(pid).ifPresent(postmaster -> {
                List<ProcessHandle> children = postmaster.children().toList();
                children.forEach(ProcessHandle::destroyForcibly);
                postmaster.destroyForcibly();
                awaitGone(postmaster);
                children.forEach(Postmaster::awaitGone);
            });
        }

        /** A postmaster left behind by a killed server (only if that pid still is a postgres process). */
        static void killLeftover(Path dataDir) {
            pid(dataDir).ifPresent(pid -> ProcessHandle.of(pid)
                    .filter(process -> process.info().command().orElse("").contains("postgres"))
                    .ifPresent(process -> killHard(pid)));
        }

        static void awaitGone(ProcessHandle process) {
            try {
                process.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // not our child: onExit may only be polled; give it a moment
                awaitUntil(Duration.ofSeconds(10), () -> !process.isAlive());
            }
        }
    }

    static final class Ports {
        private static final Set<Integer> HANDED_OUT = new HashSet<>();

        /** A port in 19100-19199 that is free now and not handed out before in this run (wrapping round when all were). */
        static synchronized int free() {
            int span = LAST_PORT - FIRST_PORT + 1;
            int start = ThreadLocalRandom.current().nextInt(span);
            for (int pass = 0; pass < 2; pass++) {
                for (int i = 0; i < span; i++) {
                    int port = FIRST_PORT + (start + i) % span;
                    if ((pass == 1 || !HANDED_OUT.contains(port)) && bindable(port)) {
                        HANDED_OUT.add(port);
                        return port;
                    }
                }
            }
            throw new InfrastructureFailure("no free port in " + FIRST_PORT + "-" + LAST_PORT, null);
        }

        private static boolean bindable(int port) {
            try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return probe.isBound();
            } catch (IOException e) {
                return false;
            }
        }
    }

    // ---------------------------------------------------------------- threads, sleeps, files

    static String textOrNull(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static void join(Thread thread, Duration deadline) {
        try {
            thread.join(deadline.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            throw new InfrastructureFailure(thread.getName() + " did not finish within " + deadline.toSeconds()
                    + " s of the crash", null);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new InfrastructureFailure("cannot remove " + dir + ": " + e, null);
        }
    }
}
