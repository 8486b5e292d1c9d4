import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fuzz test (run by scripts/fuzz-test.sh). Starts the packaged server on a fresh data dir, makes an
 * organization with items, API keys and a webhook subscription to a local receiver, then sends every
 * operation of {@code /v3/api-docs} in malformed variants chosen from the seed: credentials (absent,
 * garbage, expired-looking, forged, revoked, doubled, in the wrong place), methods, path and query
 * parameters, bodies (truncated, wrong types per schema field, nulls, unknown and duplicate fields, deep
 * nesting, huge strings and numbers, oversized), content types, Accept, If-Match, oversized URIs and
 * headers, and invalid HTTP over a plain socket.
 * <p>Every answer must be below 500; every error must be an RFC 9457 problem ({@code application/problem+json}
 * with {@code type}, {@code title} and {@code status} equal to the HTTP status) with no stack trace,
 * class name or secret in it; no malformed request may be accepted; afterwards the organizations'
 * items, keys, subscriptions and deliveries must be as before, no webhook may have been sent, the
 * server log must show no error, and the server must still take writes. Prints each finding and one
 * summary line; exits 1 on any finding, 2 when the infrastructure failed.
 */
public class FuzzTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final int FIRST_PORT = 19300;
    static final int LAST_PORT = 19399;
    static final Duration START_DEADLINE = Duration.ofSeconds(180);
    static final Duration SETUP_DEADLINE = Duration.ofSeconds(60);
    static final Duration STOP_DEADLINE = Duration.ofSeconds(60);
    static final int READ_TIMEOUT_MILLIS = 20_000;
    static final int MAX_BODY_READ = 1024 * 1024;
    static final int ONE_MIB = 1024 * 1024;
    static final String PASSWORD = "fuzz test password";
    static final int SHOWN_PER_CATEGORY = 200;
    static final int CONCURRENCY = 4;

    static final String FIVE_XX = "5xx";
    static final String NON_PROBLEM = "non-problem";
    static final String STATE_CHANGED = "state changed";
    static final String ACCEPTED = "accepted";
    static final String LOGGED = "logged errors";
    static final String UNHEALTHY = "unhealthy after";
    static final List<String> CATEGORIES = List.of(FIVE_XX, NON_PROBLEM, STATE_CHANGED, ACCEPTED, LOGGED, UNHEALTHY);

    record Options(long seed, Path work, Path jar) {
        static Options parse(String[] args) {
            Map<String, String> named = new HashMap<>();
            for (int i = 0; i + 1 < args.length; i += 2) {
                named.put(args[i].replaceFirst("^--", ""), args[i + 1]);
            }
            return new Options(Long.parseLong(named.getOrDefault("seed", String.valueOf(System.nanoTime()))),
                    Path.of(Objects.requireNonNull(named.get("work"), "--work is needed")),
                    Path.of(named.getOrDefault("jar", "server/target/keyhook.jar")));
        }
    }

    public static void main(String[] args) {
        Options options = Options.parse(args);
        System.out.printf("fuzz test: seed %d (SEED=%d scripts/fuzz-test.sh sends the same requests again)%n",
                options.seed(), options.seed());
        int status;
        try {
            status = new Run(options).execute();
        } catch (InfrastructureFailure failure) {
            System.err.println("infrastructure failure: " + failure.getMessage());
            failure.printLogTail();
            status = 2;
        } catch (RuntimeException bug) {
            System.err.println("the fuzz test itself failed:");
            bug.printStackTrace();
            status = 2;
        }
        System.exit(status);
    }

    /** The server or its surroundings failed: the run proves nothing. */
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

    // ---------------------------------------------------------------- the run

    static final class Run {
        private final Options options;

        Run(Options options) {
            this.options = options;
        }

        int execute() {
            Path data = options.work().resolve("data");
            Path log = options.work().resolve("server.log");
            createDirectories(data);
            long launched = System.nanoTime();
            Server server = Server.start(options.jar(), data, log, options.work().resolve("server.pid"));
            try (Receiver receiver = Receiver.start()) {
                server.awaitHealthy(START_DEADLINE);
                System.out.printf("server healthy on 127.0.0.1:%d after %d s%n", server.port,
                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - launched));
                Api api = new Api(server.base(), log);
                Fixture fixture = Fixture.create(api, receiver, log);
                Map<String, JsonNode> before = State.capture(api, fixture);
                JsonNode doc = api.call("GET", "/v3/api-docs", null, null).require(200, "GET /v3/api-docs").body();
                Generator generator = new Generator(doc, fixture, server.port, new Random(options.seed()));
                List<Case> cases = generator.generate();
                System.out.printf("%d operations in /v3/api-docs; %d requests: %s%n", generator.operations(),
                        cases.size(), groups(cases));

                long logOffset = size(log);
                int deliveries = receiver.count();
                Findings findings = new Findings(fixture.secrets());
                long started = System.nanoTime();
                send(cases, server.port, findings);
                System.out.printf("sent in %.1f s (%d at a time); slowest: %s%n", (System.nanoTime() - started) / 1e9,
                        CONCURRENCY, findings.slowest());

                // A change a refused request set off may show only once the projections have caught up.
                sleepMillis(2000);
                State.compare(before, State.capture(api, fixture), findings);
                if (receiver.count() != deliveries) {
                    findings.add(STATE_CHANGED, "the receiver got " + (receiver.count() - deliveries)
                            + " webhook deliveries during the run: a refused request changed something");
                }
                LogScan.scan(log, logOffset, findings);
                Liveness.check(api, fixture, receiver, findings);
                findings.print();
                System.out.println(findings.summary(options.seed()));
                server.stop(STOP_DEADLINE);
                return findings.clean() ? 0 : 1;
            } finally {
                server.stopQuietly();
            }
        }

        /** A few requests at a time: each waits mostly for the server, which has cores to spare. */
        private static void send(List<Case> cases, int port, Findings findings) {
            ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY, daemon("fuzz-client"));
            for (int i = 0; i < cases.size(); i++) {
                int index = i;
                pool.execute(() -> {
                    long started = System.nanoTime();
                    Exchange answer = RawHttp.exchange(port, cases.get(index));
                    findings.check(index, cases.get(index), answer,
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                });
            }
            pool.shutdown();
            try {
                if (!pool.awaitTermination(10, TimeUnit.MINUTES)) {
                    throw new InfrastructureFailure("the requests were not answered within 10 minutes", null);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InfrastructureFailure("interrupted", null);
            }
        }

        private static String groups(List<Case> cases) {
            Map<String, Integer> counts = new LinkedHashMap<>();
            cases.forEach(c -> counts.merge(c.group(), 1, Integer::sum));
            return counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                    .reduce((a, b) -> a + ", " + b).orElse("none");
        }
    }

    // ---------------------------------------------------------------- what the server holds before the run

    /** An organization with items, keys of every kind, a subscription and a delivered test webhook; and another organization. */
    record Fixture(String email, String token, String foreignToken, List<String> itemIds, String foreignItemId,
                   String readOnlyKey, String readOnlyKeyId, String readWriteKey, String revokedKey, String expiredKey,
                   String webhookId, String webhookSecret, String deliveryId, String receiverUrl, String jwks) {

        static Fixture create(Api api, Receiver receiver, Path log) {
            String suffix = Long.toString(System.nanoTime(), 36);
            String email = "owner-" + suffix + "@fuzz.example.com";
            String token = api.call("POST", "/api/v1/auth/signup", null, Map.of("organization", "Fuzz Hardware",
                    "email", email, "password", PASSWORD)).require(201, "sign-up").body().path("token").asText();
            String foreignToken = api.call("POST", "/api/v1/auth/signup", null, Map.of("organization", "Other Org",
                            "email", "other-" + suffix + "@fuzz.example.com", "password", PASSWORD))
                    .require(201, "second sign-up").body().path("token").asText();
            List<String> items = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                items.add(api.call("POST", "/api/v1/items", token, Map.of("name", "Fuzz part " + i, "sku", "FZ-" + i,
                        "quantity", 10 * i, "lowStockThreshold", i, "description", "made before the fuzz run"))
                        .require(201, "create item").body().path("id").asText());
            }
            String foreignItem = api.call("POST", "/api/v1/items", foreignToken, Map.of("name", "Not yours",
                    "quantity", 1)).require(201, "create item").body().path("id").asText();
            JsonNode reader = issueKey(api, token, Map.of("name", "fuzz reader", "scopes", List.of("items:read"),
                    "rateLimitPerMinute", 1_000_000));
            JsonNode writer = issueKey(api, token, Map.of("name", "fuzz writer", "scopes", List.of("items:read",
                    "items:write", "items:delete", "webhooks:read", "webhooks:write", "keys:read", "keys:write"),
                    "rateLimitPerMinute", 1_000_000));
            JsonNode revoked = issueKey(api, token, Map.of("name", "fuzz revoked", "scopes", List.of("items:read")));
            api.call("DELETE", "/api/v1/api-keys/" + revoked.path("id").asText(), token, null).require(204, "revoke key");
            Instant expiry = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.SECONDS);
            JsonNode expired = issueKey(api, token, Map.of("name", "fuzz expired", "scopes", List.of("items:read"),
                    "expiresAt", expiry.toString()));
            List<String> eventTypes = new ArrayList<>();
            api.call("GET", "/api/v1/webhooks/event-types", token, null).require(200, "event types").body()
                    .forEach(type -> eventTypes.add(type.path("name").asText()));
            JsonNode webhook = api.call("POST", "/api/v1/webhooks", token, Map.of("url", receiver.url(),
                    "eventTypes", eventTypes, "description", "the fuzz test's receiver"))
                    .require(201, "create subscription").body();
            String webhookId = webhook.path("id").asText();
            String deliveryId = api.call("POST", "/api/v1/webhooks/" + webhookId + "/test", token, null)
                    .require(202, "test webhook").body().path("deliveryId").asText();
            awaitUntil(SETUP_DEADLINE, () -> receiver.count() >= 1 && "succeeded".equals(api.call("GET",
                    "/api/v1/deliveries/" + deliveryId, token, null).body().path("status").asText()),
                    "the test webhook was not delivered", log);
            awaitUntil(SETUP_DEADLINE, () -> Instant.now().isAfter(expiry.plusSeconds(1)), "the key did not expire", log);
            String jwks = api.call("GET", "/.well-known/jwks.json", null, null).require(200, "JWKS").text();
            return new Fixture(email, token, foreignToken, items, foreignItem, reader.path("key").asText(),
                    reader.path("id").asText(), writer.path("key").asText(), revoked.path("key").asText(),
                    expired.path("key").asText(), webhookId, webhook.path("secret").asText(), deliveryId,
                    receiver.url(), jwks);
        }

        private static JsonNode issueKey(Api api, String token, Map<String, Object> request) {
            return api.call("POST", "/api/v1/api-keys", token, request).require(201, "issue key").body();
        }

        /** What no answer may contain, and what the findings print in their place. */
        Map<String, String> secrets() {
            Map<String, String> secrets = new LinkedHashMap<>();
            secrets.put(token, "<login token>");
            secrets.put(foreignToken, "<other organization's login token>");
            secrets.put(readOnlyKey, "<read-only key>");
            secrets.put(readWriteKey, "<read-write key>");
            secrets.put(revokedKey, "<revoked key>");
            secrets.put(expiredKey, "<expired key>");
            secrets.put(webhookSecret, "<webhook secret>");
            secrets.put(PASSWORD, "<password>");
            return secrets;
        }
    }

    /** The organizations' items, keys, subscriptions and deliveries as the API lists them. */
    static final class State {
        /** Changes with every use of a key, so the fuzz run's own requests change it. */
        private static final String VOLATILE = "lastUsedAt";

        static Map<String, JsonNode> capture(Api api, Fixture fixture) {
            Map<String, JsonNode> state = new LinkedHashMap<>();
            state.put("items", list(api, fixture.token(), "/api/v1/items?size=100"));
            state.put("the other organization's items", list(api, fixture.foreignToken(), "/api/v1/items?size=100"));
            state.put("API keys", list(api, fixture.token(), "/api/v1/api-keys?size=100"));
            state.put("the other organization's API keys", list(api, fixture.foreignToken(), "/api/v1/api-keys?size=100"));
            state.put("subscriptions", list(api, fixture.token(), "/api/v1/webhooks?size=100"));
            state.put("deliveries", list(api, fixture.token(), "/api/v1/webhooks/" + fixture.webhookId()
                    + "/deliveries?size=100"));
            for (String itemId : fixture.itemIds()) {
                state.put("item " + itemId, list(api, fixture.token(), "/api/v1/items/" + itemId));
            }
            return state;
        }

        /** The answer's body; an answer other than 200 (the thing is gone) as its status and problem type. */
        private static JsonNode list(Api api, String token, String path) {
            Api.Answer answer = api.call("GET", path, token, null);
            if (answer.status() != 200) {
                return NODES.objectNode().put("status", answer.status()).put("type", answer.body().path("type").asText());
            }
            JsonNode body = answer.body().deepCopy();
            withoutVolatile(body);
            return body;
        }

        private static void withoutVolatile(JsonNode node) {
            if (node instanceof ObjectNode object) {
                object.remove(VOLATILE);
            }
            node.forEach(State::withoutVolatile);
        }

        static void compare(Map<String, JsonNode> before, Map<String, JsonNode> after, Findings findings) {
            before.forEach((what, was) -> {
                JsonNode now = after.get(what);
                if (!was.equals(now)) {
                    findings.add(STATE_CHANGED, what + " changed during the run:\n      before " + abbreviate(
                            was.toString(), 600) + "\n      after  " + abbreviate(String.valueOf(now), 600));
                }
            });
        }
    }

    /** After the run the server still takes a write of each kind the run aimed at, and delivers its webhook. */
    static final class Liveness {
        static void check(Api api, Fixture fixture, Receiver receiver, Findings findings) {
            int deliveries = receiver.count();
            Api.Answer item = api.call("POST", "/api/v1/items", fixture.token(), Map.of("name", "After the run",
                    "quantity", 1));
            if (item.status() != 201 || !item.body().has("createdAt")) {
                findings.add(UNHEALTHY, "creating an item answered " + item.status() + " "
                        + abbreviate(item.text(), 300) + " (the items projection may be stuck)");
            }
            Api.Answer key = api.call("POST", "/api/v1/api-keys", fixture.token(), Map.of("name", "after the run",
                    "scopes", List.of("items:read")));
            if (key.status() != 201) {
                findings.add(UNHEALTHY, "issuing a key answered " + key.status() + " " + abbreviate(problemText(key), 300)
                        + " (the api-keys projection may be stuck)");
            }
            Api.Answer webhook = api.call("PUT", "/api/v1/webhooks/" + fixture.webhookId(), fixture.token(), Map.of(
                    "url", fixture.receiverUrl(), "eventTypes", List.of("item.created"), "description", "after the run"));
            if (webhook.status() != 200) {
                findings.add(UNHEALTHY, "updating the subscription answered " + webhook.status() + " "
                        + abbreviate(problemText(webhook), 300));
            }
            boolean delivered = waitUntil(Duration.ofSeconds(30), () -> receiver.count() > deliveries);
            if (!delivered) {
                findings.add(UNHEALTHY, "the item created after the run was not delivered as a webhook within 30 s");
            }
        }

        /** Only a problem's type and detail: a successful answer would carry the new key. */
        private static String problemText(Api.Answer answer) {
            return answer.body().path("type").asText() + " " + answer.body().path("detail").asText();
        }
    }

    // ---------------------------------------------------------------- the requests

    enum Expect {
        /** A malformed request: it must be answered 4xx (as a problem). */
        REFUSE,
        /** A request that may be served: it must only not fail (no 5xx, errors as problems). */
        ANY
    }

    /** One request, as the bytes that go over the wire. */
    record Case(String group, String name, String method, byte[] wire, Expect expect) {

        /** The request as text, with control characters escaped and long bodies cut. */
        String describe(Masker masker) {
            int shown = Math.min(wire.length, 1600);
            String text = new String(wire, 0, shown, StandardCharsets.ISO_8859_1);
            String escaped = escape(text);
            String cut = wire.length > shown ? " ... (" + wire.length + " bytes in all)" : "";
            return masker.mask(squeeze(escaped)) + cut;
        }
    }

    /** A request to build: request line, headers in order, body. */
    static final class Req {
        String method;
        String target;
        final List<String[]> headers = new ArrayList<>();
        byte[] body;

        Req(String method, String target) {
            this.method = method;
            this.target = target;
        }

        Req copy() {
            Req copy = new Req(method, target);
            headers.forEach(h -> copy.headers.add(h.clone()));
            copy.body = body;
            return copy;
        }

        Req header(String name, String value) {
            headers.add(new String[]{name, value});
            return this;
        }

        Req without(String name) {
            headers.removeIf(h -> h[0].equalsIgnoreCase(name));
            return this;
        }

        Req set(String name, String value) {
            return without(name).header(name, value);
        }

        Req method(String method) {
            this.method = method;
            return this;
        }

        Req target(String target) {
            this.target = target;
            return this;
        }

        Req json(String json) {
            return body(json.getBytes(StandardCharsets.UTF_8), "application/json");
        }

        Req body(byte[] bytes, String contentType) {
            body = bytes;
            without("Content-Type");
            if (contentType != null) {
                header("Content-Type", contentType);
            }
            return this;
        }

        Req noBody() {
            body = null;
            return without("Content-Type");
        }

        boolean has(String name) {
            return headers.stream().anyMatch(h -> h[0].equalsIgnoreCase(name));
        }

        byte[] wire(int port) {
            StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                    .append("Host: 127.0.0.1:").append(port).append("\r\n")
                    .append("User-Agent: keyhook-fuzz-test\r\n");
            headers.forEach(h -> head.append(h[0]).append(": ").append(h[1]).append("\r\n"));
            if (body != null && !has("Content-Length") && !has("Transfer-Encoding")) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
            if (body != null) {
                out.writeBytes(body);
            }
            return out.toByteArray();
        }
    }

    /** An operation of the OpenAPI document. */
    record Operation(String path, String method, List<JsonNode> parameters, String bodySchema, boolean bodyRequired,
                     boolean authenticated) {

        boolean hasPathId() {
            return path.contains("{id}");
        }

        List<JsonNode> query() {
            return parameters.stream().filter(p -> "query".equals(p.path("in").asText())).toList();
        }

        boolean takesIfMatch() {
            return parameters.stream().anyMatch(p -> "header".equals(p.path("in").asText())
                    && "If-Match".equalsIgnoreCase(p.path("name").asText()));
        }

        boolean writes() {
            return !method.equals("GET");
        }

        String label() {
            return method + " " + path;
        }
    }

    /**
     * Every variant of every operation, chosen from the seed. A variant that is still a valid request is
     * never sent where it would change something (a write with valid credentials): every REFUSE variant
     * breaks the request in one way only, so the answer says which way is not refused.
     */
    static final class Generator {
        private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH");
        private static final List<String> ODD_METHODS = List.of("TRACE", "CONNECT", "BREW", "get", "PROPFIND",
                "M-SEARCH", "Delete");
        private static final List<String> CONTENT_TYPES = List.of("text/plain", "application/xml",
                "application/x-www-form-urlencoded", "multipart/form-data; boundary=fuzz", "not a media type",
                "application/json; charset=bogus", "application/octet-stream",
                "text/json", "image/png", "application/json; charset=", "*/*");
        private static final List<String> ACCEPTS = List.of("application/xml", "text/csv", "image/png", ";;;",
                "text/html", "application/pdf", "audio/*");
        private static final List<String> UNKNOWN_PARAMS = List.of("pageSize", "sort", "limit", "offset", "q",
                "filter", "state", "fields", "expand", "Page", "size ", "page[number]", "callback");
        private static final List<String> IF_MATCH = List.of("yesterday", "W/\"abc\"", "\"1.5\"",
                "\"99999999999999999999\"", "\"\"", "\"7\"", "\"0\", \"1\"", "W/", "\"-1\"", "\"0x10\"", "*, \"5\"");
        private static final List<String> UNICODE = List.of("é", "日本", "🙂", "\u202e", "Ω≈ç", "\u00a0", "Ä\u0308");

        private final JsonNode doc;
        private final Fixture fixture;
        private final int port;
        private final Random random;
        private final List<Operation> operations = new ArrayList<>();
        private final List<Case> cases = new ArrayList<>();

        Generator(JsonNode doc, Fixture fixture, int port, Random random) {
            this.doc = doc;
            this.fixture = fixture;
            this.port = port;
            this.random = random;
            readOperations();
        }

        int operations() {
            return operations.size();
        }

        private void readOperations() {
            List<String> paths = new ArrayList<>();
            doc.path("paths").fieldNames().forEachRemaining(paths::add);
            Collections.sort(paths);
            for (String path : paths) {
                JsonNode item = doc.path("paths").path(path);
                for (String method : METHODS) {
                    JsonNode op = item.path(method.toLowerCase(Locale.ROOT));
                    if (op.isMissingNode()) {
                        continue;
                    }
                    List<JsonNode> parameters = new ArrayList<>();
                    op.path("parameters").forEach(parameters::add);
                    JsonNode content = op.path("requestBody").path("content");
                    String schema = null;
                    Iterator<JsonNode> types = content.elements();
                    if (types.hasNext()) {
                        schema = types.next().path("schema").path("$ref").asText().replace("#/components/schemas/", "");
                    }
                    boolean isPublic = op.has("security") && op.path("security").isEmpty();
                    operations.add(new Operation(path, method, parameters, schema == null || schema.isEmpty() ? null
                            : schema, op.path("requestBody").path("required").asBoolean(false),
                            path.startsWith("/api/") && !isPublic));
                }
            }
            if (operations.isEmpty()) {
                throw new InfrastructureFailure("/v3/api-docs lists no operations", null);
            }
        }

        List<Case> generate() {
            for (Operation op : operations) {
                credentials(op);
                accept(op);
                oversized(op);
                conditional(op);
                pathShapes(op);
                harmlessHeaders(op);
                if (op.hasPathId()) {
                    pathParameters(op);
                }
                if (!op.query().isEmpty()) {
                    queryParameters(op);
                }
                if (op.bodySchema() != null) {
                    bodies(op);
                    contentTypes(op);
                    contentEncodings(op);
                }
                if (op.takesIfMatch()) {
                    ifMatch(op);
                }
            }
            methods();
            outsideTheApi();
            rawHttp();
            return cases;
        }

        // ---- building blocks

        private void add(String group, Operation op, String name, Req request, Expect expect) {
            cases.add(new Case(group, (op == null ? "" : op.label() + ": ") + name, request.method,
                    request.wire(port), expect));
        }

        private void addRaw(String name, byte[] wire, Expect expect) {
            cases.add(new Case("raw HTTP", name, "", wire, expect));
        }

        private String concretePath(Operation op) {
            return op.path().replace("{id}", idFor(op.path()));
        }

        private String idFor(String path) {
            if (path.startsWith("/api/v1/items/")) {
                return fixture.itemIds().get(0);
            }
            if (path.startsWith("/api/v1/webhooks/")) {
                return fixture.webhookId();
            }
            if (path.startsWith("/api/v1/api-keys/")) {
                return fixture.readOnlyKeyId();
            }
            if (path.startsWith("/api/v1/deliveries/")) {
                return fixture.deliveryId();
            }
            return UUID.randomUUID().toString();
        }

        /** The operation as a valid request: real ids, the admin's login token, a valid body. */
        private Req base(Operation op) {
            Req request = new Req(op.method(), concretePath(op));
            if (op.authenticated()) {
                request.header("Authorization", "Bearer " + fixture.token());
            }
            if (op.bodySchema() != null) {
                request.json(validBody(op.bodySchema()).toString());
            }
            return request;
        }

        private <T> T pick(List<T> from) {
            return from.get(random.nextInt(from.size()));
        }

        private <T> List<T> pick(List<T> from, int count) {
            List<T> copy = new ArrayList<>(from);
            Collections.shuffle(copy, random);
            return copy.subList(0, Math.min(count, copy.size()));
        }

        private String word(int length) {
            String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
            StringBuilder word = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                word.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            return word.toString();
        }

        private String between(int min, int max) {
            return word(min + random.nextInt(max - min + 1));
        }

        // ---- credentials

        private void credentials(Operation op) {
            if (!op.authenticated()) {
                return;
            }
            Map<String, java.util.function.UnaryOperator<Req>> variants = new LinkedHashMap<>();
            String token = fixture.token();
            String key = fixture.readWriteKey();
            variants.put("no credentials", r -> r.without("Authorization"));
            variants.put("Bearer junk", r -> r.set("Authorization", "Bearer " + between(1, 60)));
            variants.put("empty Bearer", r -> r.set("Authorization", "Bearer"));
            variants.put("Bearer and spaces", r -> r.set("Authorization", "Bearer      "));
            variants.put("expired-looking JWT", r -> r.set("Authorization", "Bearer " + Jwts.expired(token)));
            variants.put("unsigned JWT (alg none)", r -> r.set("Authorization", "Bearer " + Jwts.unsigned(token)));
            variants.put("JWT with a tampered signature", r -> r.set("Authorization", "Bearer " + Jwts.tampered(token, random)));
            variants.put("JWT signed HS256 with the public key", r -> r.set("Authorization", "Bearer "
                    + Jwts.algorithmConfusion(token, fixture.jwks())));
            variants.put("JWT without its signature", r -> r.set("Authorization", "Bearer "
                    + token.substring(0, token.lastIndexOf('.'))));
            variants.put("JWT with a payload that is not JSON", r -> r.set("Authorization", "Bearer "
                    + Jwts.garbledPayload(token)));
            variants.put("the other organization's JWT, tampered", r -> r.set("Authorization", "Bearer "
                    + Jwts.tampered(fixture.foreignToken(), random)));
            variants.put("key with a bad checksum", r -> r.without("Authorization").header("X-API-Key",
                    Keys.badChecksum(key)));
            variants.put("truncated key", r -> r.without("Authorization").header("X-API-Key",
                    key.substring(0, 8 + random.nextInt(key.length() - 9))));
            variants.put("key of an unknown environment", r -> r.without("Authorization").header("X-API-Key",
                    key.replaceFirst("^kh_[a-z]+_", "kh_prod_")));
            variants.put("bearer key with a bad checksum", r -> r.set("Authorization", "Bearer " + Keys.badChecksum(key)));
            variants.put("revoked key", r -> r.without("Authorization").header("X-API-Key", fixture.revokedKey()));
            variants.put("expired key", r -> r.without("Authorization").header("X-API-Key", fixture.expiredKey()));
            variants.put("two Authorization headers, the valid one first", r -> r.header("Authorization",
                    "Bearer " + between(10, 40)));
            variants.put("two Authorization headers, the valid one second", r -> {
                r.without("Authorization").header("Authorization", "Bearer " + between(10, 40));
                return r.header("Authorization", "Bearer " + token);
            });
            variants.put("two X-API-Key headers", r -> r.without("Authorization").header("X-API-Key", key)
                    .header("X-API-Key", key));
            variants.put("a key and a login token", r -> r.header("X-API-Key", key));
            variants.put("a key in X-API-Key and another as Bearer", r -> r.set("Authorization", "Bearer " + key)
                    .header("X-API-Key", fixture.readOnlyKey()));
            variants.put("login token in X-API-Key", r -> r.without("Authorization").header("X-API-Key", token));
            variants.put("key in the wrong header", r -> {
                r.without("Authorization");
                switch (random.nextInt(7)) {
                    case 0 -> r.header("Authorization", key);
                    case 1 -> r.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            (key + ":").getBytes(StandardCharsets.UTF_8)));
                    case 2 -> r.header("Authorization", "ApiKey " + key);
                    case 3 -> r.header("X-Api-Token", key);
                    case 4 -> r.header("Cookie", "api_key=" + key);
                    case 5 -> r.header("X-API-Key", "Bearer " + key);
                    default -> r.target(r.target + (r.target.contains("?") ? "&" : "?") + "api_key=" + key);
                }
                return r;
            });
            variants.put("Authorization with control characters", r -> r.set("Authorization", "Bearer \u0001\u007f\u00e9"));
            if (op.writes()) {
                variants.put("a read-only key for a write", r -> r.without("Authorization").header("X-API-Key",
                        fixture.readOnlyKey()));
            }
            List<String> names = new ArrayList<>(variants.keySet());
            // Every operation gets the absent credential; of the others a share chosen from the seed.
            for (String name : names) {
                if (name.equals("no credentials") || random.nextInt(100) < 40) {
                    add("credentials", op, name, variants.get(name).apply(base(op)), Expect.REFUSE);
                }
            }
        }

        // ---- methods

        private void methods() {
            Map<String, Set<String>> byPath = new TreeMap<>();
            Map<String, Operation> sample = new HashMap<>();
            for (Operation op : operations) {
                byPath.computeIfAbsent(op.path(), p -> new LinkedHashSet<>()).add(op.method());
                sample.putIfAbsent(op.path(), op);
            }
            byPath.forEach((path, declared) -> {
                Operation op = sample.get(path);
                Req base = base(op).noBody();
                for (String method : METHODS) {
                    if (!declared.contains(method)) {
                        Req request = base.copy().method(method);
                        if (!method.equals("GET") && !method.equals("DELETE")) {
                            request.json("{}");
                        }
                        add("methods", null, method + " " + path, request, Expect.REFUSE);
                    }
                }
                String odd = pick(ODD_METHODS);
                add("methods", null, odd.replace("\u0000", "\\0") + " " + path, base.copy().method(odd), Expect.REFUSE);
                add("methods", null, "HEAD " + path, base.copy().method("HEAD"),
                        declared.contains("GET") ? Expect.ANY : Expect.REFUSE);
                if (random.nextBoolean()) {
                    add("methods", null, "OPTIONS " + path, base.copy().method("OPTIONS"), Expect.ANY);
                }
            });
        }

        // ---- path parameters

        private void pathParameters(Operation op) {
            String real = idFor(op.path());
            List<String> values = new ArrayList<>(List.of("", "%2F", "a%2Fb", "%2f..%2f", "%00", "x%00y", "%zz", "%",
                    "%2", "..", ".", "%2e%2e", "%2E", "x;y=1", "%3B", "%5C", "\\", "*", "%20", "+", "~", "%7Bid%7D",
                    "%0d%0aX-Injected:%201", "%C0%AF", "%E2%82%AC", "%F0%9F%99%82", "%ff%fe", "{id}", "<script>",
                    "'or'1'='1", "$where", "null", "-1", "0", "9".repeat(30)));
            values.add(pick(UNICODE) + word(3));
            values.add(between(1000, 3500));
            values.add(UUID.randomUUID().toString());
            values.add(real + "x");
            values.add(real.toUpperCase(Locale.ROOT));
            values.add(real + "%20");
            values.add(real + "/");
            values.add(op.path().startsWith("/api/v1/items/") ? fixture.foreignItemId() : UUID.randomUUID().toString());
            for (String value : pick(values, 12)) {
                Req request = base(op).target(op.path().replace("{id}", value));
                add("path parameters", op, "id " + abbreviate(value, 40), request, Expect.REFUSE);
            }
        }

        // ---- query parameters

        private void queryParameters(Operation op) {
            String path = concretePath(op);
            for (JsonNode parameter : op.query()) {
                String name = parameter.path("name").asText();
                List<String> values = new ArrayList<>();
                String type = parameter.path("schema").path("type").asText();
                if (type.equals("integer")) {
                    values.addAll(List.of("-1", "-2147483649", "abc", "1.5", "0x10", "99999999999", "1e3", "%00",
                            "9".repeat(2000), "%zz", "1%20", "%2B1x", "NaN"));
                    if (name.equals("size")) {
                        values.addAll(List.of("0", "101", "100000"));
                    }
                } else if (name.equals("from") || name.equals("to")) {
                    values.addAll(List.of("yesterday", "2026-13-45T00:00:00Z", "-999999999-01-01T00:00:00Z",
                            "%2B999999999-12-31T23:59:59Z", "%2B10000-01-01T00:00:00Z", "1e10", "2026-01-01",
                            "%zz", "%00", "2026-01-01T00:00:00Z%00"));
                } else {
                    values.addAll(List.of("lost", "%00", "x".repeat(3000), "%zz", "*", "failed%00"));
                }
                for (String value : pick(values, 4)) {
                    add("query parameters", op, name + "=" + abbreviate(value, 40),
                            base(op).target(path + "?" + name + "=" + value), Expect.REFUSE);
                }
            }
            JsonNode first = op.query().get(0);
            String name = first.path("name").asText();
            String value = first.path("schema").path("type").asText().equals("integer") ? "0" : validQueryValue(name);
            String other = first.path("schema").path("type").asText().equals("integer") ? "1" : value;
            add("query parameters", op, name + " repeated", base(op).target(path + "?" + name + "=" + value + "&"
                    + name + "=" + other), Expect.REFUSE);
            for (String unknown : pick(UNKNOWN_PARAMS, 2)) {
                add("query parameters", op, "unknown parameter " + unknown, base(op).target(path + "?"
                        + unknown.replace(" ", "%20") + "=1"), Expect.REFUSE);
            }
            add("query parameters", op, "parameter without a name", base(op).target(path + "?=1"), Expect.REFUSE);
            add("query parameters", op, "malformed escape in a name", base(op).target(path + "?%zz=1"), Expect.REFUSE);
        }

        private String validQueryValue(String name) {
            return switch (name) {
                case "status" -> "failed";
                case "outcome" -> "denied";
                case "from", "to" -> "2026-01-01T00:00:00Z";
                default -> "x";
            };
        }

        // ---- Accept, conditional requests, oversized requests

        private void accept(Operation op) {
            for (String accept : pick(ACCEPTS, 2)) {
                add("accept", op, "Accept: " + accept, base(op).header("Accept", accept), Expect.REFUSE);
            }
        }

        /** The operation's path written in ways that name nothing, or nothing the firewall lets through. */
        private void pathShapes(Operation op) {
            String path = concretePath(op);
            List<String> shapes = List.of(
                    path.toUpperCase(Locale.ROOT),
                    path + "/",
                    path + ".json",
                    path + ";",
                    "/" + path,
                    path.replaceFirst("/v1/", "/./v1/"),
                    path.replaceFirst("/v1/", "/v1/../v1/"),
                    path.replaceFirst("^/api/", "/api%2F"),
                    path.replaceFirst("^/api/", "/api%252F"),
                    path + "%20",
                    path + "%00",
                    path + "%",
                    path.replaceFirst("/v1/", "/v1//"),
                    path.replace("/v1/", "/v1\\"),
                    path.replaceFirst("^/api/v1", "/api/v0"),
                    path + "/" + word(8));
            for (String shape : pick(shapes.stream().filter(shape -> !shape.equals(path)).toList(), 3)) {
                add("path shapes", op, abbreviate(shape, 60), base(op).target(shape), Expect.REFUSE);
            }
        }

        /** Headers the API does not use, garbled: they must not break anything. */
        private void harmlessHeaders(Operation op) {
            if (op.writes() || op.path().endsWith("/stream")) {
                return;
            }
            List<String[]> headers = List.of(
                    new String[]{"X-Forwarded-For", "not an address, 999.1.1.1, ::g"},
                    new String[]{"Forwarded", "for=\"[::1;by=;proto=gopher"},
                    new String[]{"X-Forwarded-Host", "evil.example:99999"},
                    new String[]{"X-Forwarded-Proto", "gopher"},
                    new String[]{"Accept-Encoding", "gzip;q=abc, *;q=-1"},
                    new String[]{"Accept-Language", "??-??;q=2"},
                    new String[]{"Accept-Charset", "utf-99"},
                    new String[]{"Origin", "http://evil.example"},
                    new String[]{"Cookie", "SESSION=" + word(40) + "; ;;=="},
                    new String[]{"X-HTTP-Method-Override", "DELETE"},
                    new String[]{"Content-Type", "application/json"},
                    new String[]{"Range", "items=0-"},
                    new String[]{"Via", "1.1 " + word(10)},
                    new String[]{"Upgrade", "websocket"});
            String[] header = pick(headers);
            add("harmless headers", op, header[0] + ": " + header[1], base(op).header(header[0], header[1]), Expect.ANY);
            add("harmless headers", op, "CORS preflight", base(op).method("OPTIONS").header("Origin", "http://evil.example")
                    .header("Access-Control-Request-Method", "DELETE")
                    .header("Access-Control-Request-Headers", "x-api-key, " + word(5)), Expect.ANY);
        }

        private void conditional(Operation op) {
            if (op.writes() || op.path().endsWith("/stream")) {
                return;
            }
            Req request = base(op);
            switch (random.nextInt(4)) {
                case 0 -> request.header("If-None-Match", "garbage, W/, \"");
                case 1 -> request.header("If-Modified-Since", "yesterday at noon");
                case 2 -> request.header("Range", "bytes=--1");
                default -> request.header("If-Match", "\"" + word(5));
            }
            add("conditional", op, "garbled conditional header", request, Expect.ANY);
        }

        private void oversized(Operation op) {
            String path = concretePath(op);
            List<Runnable> variants = List.of(
                    () -> add("oversized", op, "URI over 4 KiB", base(op).target(path + "?pad=" + word(4200 + random
                            .nextInt(20000))), Expect.REFUSE),
                    () -> add("oversized", op, "one header over 8 KiB", base(op).header("X-Padding", word(8300
                            + random.nextInt(30000))), Expect.REFUSE),
                    () -> {
                        Req request = base(op);
                        for (int i = 0; i < 120; i++) {
                            request.header("X-Filler-" + i, word(80));
                        }
                        add("oversized", op, "headers over 8 KiB together", request, Expect.REFUSE);
                    },
                    () -> add("oversized", op, "Bearer token over 8 KiB", base(op).set("Authorization", "Bearer "
                            + word(9000)), Expect.REFUSE),
                    () -> add("oversized", op, "path over 4 KiB", base(op).target(path + "/" + word(5000)),
                            Expect.REFUSE));
            pick(variants).run();
        }

        private void ifMatch(Operation op) {
            for (String value : pick(IF_MATCH, 4)) {
                add("If-Match", op, "If-Match: " + value, base(op).set("If-Match", value), Expect.REFUSE);
            }
        }

        // ---- bodies

        private void bodies(Operation op) {
            JsonNode schema = doc.path("components").path("schemas").path(op.bodySchema());
            ObjectNode valid = validBody(op.bodySchema());
            String text = valid.toString();
            boolean hasRequired = schema.path("required").size() > 0;
            for (int i = 0; i < 2; i++) {
                int cut = 1 + random.nextInt(text.length() - 1);
                add("bodies", op, "JSON truncated after " + cut + " characters", base(op).json(text.substring(0, cut)),
                        Expect.REFUSE);
            }
            if (op.bodyRequired()) {
                add("bodies", op, "empty body", base(op).json(""), Expect.REFUSE);
                add("bodies", op, "no body and no content type", base(op).noBody(), Expect.REFUSE);
                add("bodies", op, "JSON null", base(op).json("null"), Expect.REFUSE);
            }
            List<String> roots = new ArrayList<>(List.of("[]", "\"text\"", "42", "true", "[" + text + "]"));
            if (hasRequired) {
                roots.add("{}");
            }
            for (String root : pick(roots, 2)) {
                add("bodies", op, "root " + abbreviate(root, 30), base(op).json(root), Expect.REFUSE);
            }
            List<String> syntax = List.of(
                    text.substring(0, text.length() - 1) + ",}",
                    text.replace('"', '\''),
                    "/* comment */" + text,
                    text.replaceFirst("\"([A-Za-z]+)\":", "$1:"),
                    text + " {}",
                    text + text,
                    "\uFEFF\uFEFF" + text,
                    text.replaceFirst(":", "::"),
                    text.replaceFirst("\\}$", ",\"x\":NaN}"),
                    text.replaceFirst("\\{", "{\"control\":\"a\u0001b\","),
                    "{" + text);
            for (String broken : pick(syntax, 3)) {
                add("bodies", op, "invalid JSON " + abbreviate(broken, 40), base(op).json(broken), Expect.REFUSE);
            }
            byte[] invalidUtf8 = text.replaceFirst("\\{", "{\"x\":\"\u0000\",").getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < invalidUtf8.length; i++) {
                if (invalidUtf8[i] == 0) {
                    invalidUtf8[i] = (byte) 0xff;
                }
            }
            add("bodies", op, "invalid UTF-8", base(op).body(invalidUtf8, "application/json"), Expect.REFUSE);

            String unknown = "x" + word(5);
            ObjectNode withUnknown = valid.deepCopy();
            withUnknown.set(unknown, random.nextBoolean() ? NODES.numberNode(1) : NODES.textNode("surprise"));
            add("bodies", op, "unknown field " + unknown, base(op).json(withUnknown.toString()), Expect.REFUSE);
            if (valid.size() > 0) {
                String field = pick(fieldNames(valid));
                String duplicated = "{\"" + field + "\":" + valid.get(field) + "," + text.substring(1);
                add("bodies", op, "duplicate field " + field, base(op).json(duplicated), Expect.REFUSE);
            }
            StringBuilder many = new StringBuilder(text.substring(0, text.length() - 1));
            int count = 2000 + random.nextInt(20000);
            for (int i = 0; i < count; i++) {
                many.append(",\"u").append(i).append("\":").append(i);
            }
            add("bodies", op, count + " unknown fields", base(op).json(many.append('}').toString()), Expect.REFUSE);
            int objects = 1001 + random.nextInt(5000);
            add("bodies", op, "unknown field nested " + objects + " objects deep", base(op).json(text.substring(0,
                    text.length() - 1) + (valid.size() > 0 ? "," : "") + "{\"u\":".repeat(objects).substring(1)
                    + "1" + "}".repeat(objects)), Expect.REFUSE);
            int depth = 1001 + random.nextInt(20000);
            add("bodies", op, "root nested " + depth + " arrays deep", base(op).json("[".repeat(depth)
                    + "]".repeat(depth)), Expect.REFUSE);

            JsonNode properties = schema.path("properties");
            Set<String> required = new LinkedHashSet<>();
            schema.path("required").forEach(r -> required.add(r.asText()));
            List<String> names = new ArrayList<>();
            properties.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode property = resolve(properties.path(name));
                for (JsonNode wrong : pick(wrongValues(property), 3)) {
                    ObjectNode body = valid.deepCopy();
                    body.set(name, wrong);
                    add("bodies", op, name + " = " + abbreviate(wrong.toString(), 40), base(op).json(body.toString()),
                            Expect.REFUSE);
                }
                if (required.contains(name)) {
                    ObjectNode nulled = valid.deepCopy();
                    nulled.putNull(name);
                    add("bodies", op, name + " = null", base(op).json(nulled.toString()), Expect.REFUSE);
                    ObjectNode absent = valid.deepCopy();
                    absent.remove(name);
                    add("bodies", op, name + " absent", base(op).json(absent.toString()), Expect.REFUSE);
                }
                int nesting = 1001 + random.nextInt(5000);
                String nested = valid.deepCopy().put(name, "NESTED").toString()
                        .replace("\"NESTED\"", "[".repeat(nesting) + "]".repeat(nesting));
                if (random.nextInt(3) == 0) {
                    add("bodies", op, name + " nested " + nesting + " arrays deep", base(op).json(nested), Expect.REFUSE);
                }
            }
            if (random.nextBoolean()) {
                String huge = "{\"" + (names.isEmpty() ? "x" : names.get(0)) + "\":\"" + "x".repeat(ONE_MIB
                        + random.nextInt(ONE_MIB)) + "\"}";
                add("bodies", op, "body over 1 MiB", base(op).json(huge), Expect.REFUSE);
            } else {
                byte[] huge = ("[" + "1,".repeat(ONE_MIB / 2 + random.nextInt(ONE_MIB)) + "1]").getBytes(StandardCharsets.UTF_8);
                add("bodies", op, "chunked body over 1 MiB", base(op).body(chunked(huge, 16 * 1024 + random.nextInt(65536)),
                        "application/json").header("Transfer-Encoding", "chunked"), Expect.REFUSE);
            }
        }

        private void contentTypes(Operation op) {
            String text = validBody(op.bodySchema()).toString();
            for (String type : pick(CONTENT_TYPES, 3)) {
                add("content types", op, "Content-Type: " + type, base(op).body(text.getBytes(StandardCharsets.UTF_8),
                        type), Expect.REFUSE);
            }
            add("content types", op, "a body without a content type", base(op).body(text.getBytes(StandardCharsets.UTF_8),
                    null), Expect.REFUSE);
        }

        /** A body in a coding the server does not read: refused, not read as if it were plain. */
        private void contentEncodings(Operation op) {
            byte[] text = validBody(op.bodySchema()).toString().getBytes(StandardCharsets.UTF_8);
            String coding = pick(List.of("gzip", "br", "deflate", "compress", "x-" + word(4), "gzip, identity"));
            add("content encodings", op, "Content-Encoding: " + coding + ", plain body", base(op)
                    .header("Content-Encoding", coding), Expect.REFUSE);
            add("content encodings", op, "Content-Encoding: gzip, gzipped body", base(op).body(gzip(text),
                    "application/json").header("Content-Encoding", "gzip"), Expect.REFUSE);
        }

        private JsonNode resolve(JsonNode property) {
            String ref = property.path("$ref").asText();
            return ref.isEmpty() ? property : doc.path("components").path("schemas").path(ref.replace(
                    "#/components/schemas/", ""));
        }

        /** Values that break the property's schema: its type, range, length, format or enum. */
        private List<JsonNode> wrongValues(JsonNode property) {
            List<JsonNode> wrong = new ArrayList<>();
            String type = property.path("type").asText();
            switch (type) {
                case "string" -> {
                    wrong.addAll(List.of(NODES.objectNode(), NODES.arrayNode(), NODES.numberNode(12345),
                            NODES.booleanNode(true), NODES.numberNode(1.5)));
                    if (property.has("maxLength")) {
                        wrong.add(NODES.textNode("x".repeat(property.path("maxLength").asInt() + 1 + random.nextInt(100_000))));
                    }
                    if (property.has("enum")) {
                        wrong.add(NODES.textNode("no-such-" + word(4)));
                        wrong.add(NODES.textNode(""));
                    }
                    String format = property.path("format").asText();
                    if (format.equals("email")) {
                        wrong.add(NODES.textNode("not-an-email"));
                        wrong.add(NODES.textNode("@" + word(6)));
                    }
                    if (format.equals("date-time")) {
                        wrong.addAll(List.of(NODES.textNode("tomorrow"), NODES.textNode("-999999999-01-01T00:00:00Z"),
                                NODES.textNode("+999999999-12-31T23:59:59Z"), NODES.textNode("+10000-01-01T00:00:00Z"),
                                NODES.textNode("2027-02-30T00:00:00Z"), NODES.numberNode(new java.math.BigInteger(
                                        "123456789012345678901234567890")), NODES.numberNode(-1e300)));
                    }
                }
                case "integer", "number" -> {
                    wrong.addAll(List.of(NODES.textNode("ten"), NODES.textNode("7"), NODES.numberNode(1.5),
                            NODES.numberNode(new java.math.BigDecimal("1e2")), NODES.booleanNode(true),
                            NODES.objectNode(), NODES.arrayNode().add(1),
                            NODES.numberNode(new java.math.BigInteger("99999999999999999999")),
                            NODES.numberNode(new java.math.BigInteger("-99999999999999999999")),
                            NODES.numberNode(new java.math.BigDecimal("1e400")),
                            NODES.numberNode(new java.math.BigInteger("9".repeat(1500)))));
                    if (property.has("maximum")) {
                        wrong.add(NODES.numberNode(property.path("maximum").asLong() + 1));
                    }
                    if (property.has("minimum")) {
                        wrong.add(NODES.numberNode(property.path("minimum").asLong() - 1));
                    }
                }
                case "boolean" -> wrong.addAll(List.of(NODES.textNode("yes"), NODES.textNode("true"), NODES.numberNode(1),
                        NODES.numberNode(0), NODES.objectNode(), NODES.arrayNode()));
                case "array" -> {
                    wrong.addAll(List.of(NODES.textNode("x"), NODES.objectNode(), NODES.numberNode(5),
                            NODES.arrayNode().addNull(), NODES.arrayNode().add(NODES.arrayNode()),
                            NODES.arrayNode().add(NODES.objectNode()), NODES.arrayNode().add(42)));
                    if (property.path("minItems").asInt(0) > 0) {
                        wrong.add(NODES.arrayNode());
                    }
                    if (property.has("maxItems")) {
                        ArrayNode many = NODES.arrayNode();
                        for (int i = 0; i <= property.path("maxItems").asInt(); i++) {
                            many.add("x" + i);
                        }
                        wrong.add(many);
                    }
                    if (property.path("items").has("enum")) {
                        wrong.add(NODES.arrayNode().add("no-such-" + word(4)));
                    }
                }
                default -> wrong.addAll(List.of(NODES.textNode("x"), NODES.numberNode(1), NODES.arrayNode()));
            }
            return wrong;
        }

        private static List<String> fieldNames(ObjectNode node) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            return names;
        }

        /** A body each schema takes; a schema this program does not know gets its required fields with plain values. */
        private ObjectNode validBody(String schema) {
            Map<String, Object> body = switch (schema) {
                case "ItemRequest" -> Map.of("name", "Fuzz widget", "sku", "FZ-9", "quantity", 3, "lowStockThreshold", 1,
                        "description", "sent by the fuzz test");
                case "StockRequest" -> Map.of("delta", 1);
                case "WebhookRequest" -> Map.of("url", fixture.receiverUrl(), "eventTypes", List.of("item.created"),
                        "description", "sent by the fuzz test");
                case "RotateSecretRequest" -> Map.of("gracePeriodSeconds", 60);
                case "AddUserRequest" -> Map.of("email", "member-" + word(6).toLowerCase(Locale.ROOT)
                        + "@fuzz.example.com", "password", "another long password", "role", "member");
                case "SignupRequest" -> Map.of("organization", "Fuzz Signup", "email", "signup-"
                        + word(6).toLowerCase(Locale.ROOT) + "@fuzz.example.com", "password", "a long enough password");
                case "LoginRequest" -> Map.of("email", fixture.email(), "password", PASSWORD);
                case "IssueApiKeyRequest" -> Map.of("name", "fuzz key", "scopes", List.of("items:read"),
                        "environment", "test", "rateLimitPerMinute", 60, "allowedIps", List.of("127.0.0.1"),
                        "expiresAt", "2099-01-01T00:00:00Z");
                case "RotateApiKeyRequest" -> Map.of("gracePeriodSeconds", 0);
                case "ReplayRequest" -> Map.of("processingGroup", "items");
                default -> null;
            };
            if (body != null) {
                return (ObjectNode) JSON.valueToTree(new TreeMap<>(body));
            }
            ObjectNode generated = NODES.objectNode();
            JsonNode definition = doc.path("components").path("schemas").path(schema);
            definition.path("required").forEach(name -> {
                String type = resolve(definition.path("properties").path(name.asText())).path("type").asText();
                switch (type) {
                    case "integer", "number" -> generated.put(name.asText(), 1);
                    case "boolean" -> generated.put(name.asText(), true);
                    case "array" -> generated.putArray(name.asText()).add("x");
                    default -> generated.put(name.asText(), "x");
                }
            });
            return generated;
        }

        // ---- outside the API

        private void outsideTheApi() {
            add("outside the API", null, "POST /actuator/health", new Req("POST", "/actuator/health").json("{}"), Expect.REFUSE);
            add("outside the API", null, "DELETE /index.html", new Req("DELETE", "/index.html"), Expect.REFUSE);
            add("outside the API", null, "GET /actuator/env", new Req("GET", "/actuator/env"), Expect.REFUSE);
            add("outside the API", null, "health, Accept: XML", new Req("GET", "/actuator/health")
                    .header("Accept", "application/xml"), Expect.REFUSE);
            add("outside the API", null, "POST /v3/api-docs", new Req("POST", "/v3/api-docs").json("{}"), Expect.REFUSE);
            add("outside the API", null, "PUT /.well-known/jwks.json", new Req("PUT", "/.well-known/jwks.json")
                    .json("{}"), Expect.REFUSE);
            add("outside the API", null, "console path with ..", new Req("GET", "/console/%2e%2e/index.html"), Expect.REFUSE);
            add("outside the API", null, "console path with NUL", new Req("GET", "/index.html%00"), Expect.REFUSE);
            add("outside the API", null, "unknown path", new Req("GET", "/" + word(12)), Expect.REFUSE);
            add("outside the API", null, "swagger with ..", new Req("GET", "/swagger-ui/../../etc/passwd"), Expect.REFUSE);
            add("outside the API", null, "api-docs, Accept: XML", new Req("GET", "/v3/api-docs")
                    .header("Accept", "application/xml"), Expect.REFUSE);
            add("outside the API", null, "console, If-None-Match garbage", new Req("GET", "/index.html")
                    .header("If-None-Match", "\"\", W/"), Expect.ANY);
        }

        // ---- invalid HTTP over a plain socket

        private void rawHttp() {
            String host = "Host: 127.0.0.1:" + port + "\r\n";
            String items = "/api/v1/items";
            Map<String, String> lines = new LinkedHashMap<>();
            lines.put("not HTTP at all", "GARBAGE\r\n\r\n");
            lines.put("unknown HTTP version", "GET " + items + " HTTP/9.9\r\n" + host + "\r\n");
            lines.put("malformed HTTP version", "GET " + items + " HTTP/1.1x\r\n" + host + "\r\n");
            lines.put("HTTP/0.9 request line", "GET " + items + "\r\n\r\n");
            lines.put("extra spaces in the request line", "GET  " + items + "  HTTP/1.1\r\n" + host + "\r\n");
            lines.put("tabs in the request line", "GET\t" + items + "\tHTTP/1.1\r\n" + host + "\r\n");
            lines.put("a request target that is not a path", "GET " + word(8) + " HTTP/1.1\r\n" + host + "\r\n");
            lines.put("absolute-form target", "GET http://evil.example" + items + " HTTP/1.1\r\n" + host + "\r\n");
            lines.put("CONNECT to the database", "CONNECT 127.0.0.1:5432 HTTP/1.1\r\n" + host + "\r\n");
            lines.put("HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
            lines.put("header without a colon", "GET " + items + " HTTP/1.1\r\n" + host + "NoColonHere\r\n\r\n");
            lines.put("space before the colon", "GET " + items + " HTTP/1.1\r\n" + host + "X-Bad : 1\r\n\r\n");
            lines.put("empty header name", "GET " + items + " HTTP/1.1\r\n" + host + ": value\r\n\r\n");
            lines.put("obsolete line folding", "GET " + items + " HTTP/1.1\r\n" + host + "X-Folded: a\r\n  b\r\n\r\n");
            lines.put("NUL in a header value", "GET " + items + " HTTP/1.1\r\n" + host + "X-Nul: a\u0000b\r\n\r\n");
            lines.put("NUL in the request line", "GET " + items + "\u0000 HTTP/1.1\r\n" + host + "\r\n");
            lines.put("bare LF line endings", "GET " + items + " HTTP/1.1\n" + host.replace("\r\n", "\n") + "\n");
            lines.put("bare CR line endings", "GET " + items + " HTTP/1.1\r" + host.replace("\r\n", "\r") + "\r\n\r\n");
            lines.put("Content-Length not a number", "POST " + items + " HTTP/1.1\r\n" + host
                    + "Content-Type: application/json\r\nContent-Length: abc\r\n\r\n");
            lines.put("negative Content-Length", "POST " + items + " HTTP/1.1\r\n" + host
                    + "Content-Type: application/json\r\nContent-Length: -1\r\n\r\n");
            lines.put("two different Content-Lengths", "POST " + items + " HTTP/1.1\r\n" + host
                    + "Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 4\r\n\r\n{}{}");
            lines.put("Content-Length and chunked", "POST " + items + " HTTP/1.1\r\n" + host
                    + "Content-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "2\r\n{}\r\n0\r\n\r\n");
            lines.put("unknown transfer coding", "POST " + items + " HTTP/1.1\r\n" + host
                    + "Content-Type: application/json\r\nTransfer-Encoding: gzip\r\n\r\n");
            lines.put("chunk size not hex", "POST " + items + " HTTP/1.1\r\n" + host
                    + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");
            lines.put("chunk size overflowing", "POST " + items + " HTTP/1.1\r\n" + host
                    + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n{}\r\n0\r\n\r\n");
            lines.put("no Host header", "GET " + items + " HTTP/1.1\r\n\r\n");
            lines.put("two Host headers", "GET " + items + " HTTP/1.1\r\n" + host + host + "\r\n");
            lines.put("request line over 4 KiB", "GET " + items + "/" + word(6000) + " HTTP/1.1\r\n" + host + "\r\n");
            lines.put("a 200-character method", word(200) + " " + items + " HTTP/1.1\r\n" + host + "\r\n");
            lines.put("unsupported Expect", "POST " + items + " HTTP/1.1\r\n" + host
                    + "Expect: fuzz-expectation\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
            lines.put("header name with a non-token character", "GET " + items + " HTTP/1.1\r\n" + host
                    + "X-Bad(Name): 1\r\n\r\n");
            lines.put("request line with a fragment", "GET " + items + "#top HTTP/1.1\r\n" + host + "\r\n");
            lines.put("lowercase http version", "GET " + items + " http/1.1\r\n" + host + "\r\n");
            String post = "POST " + items + " HTTP/1.1\r\n" + host + "Content-Type: application/json\r\n";
            lines.put("Content-Length beyond long", post + "Content-Length: 99999999999999999999\r\n\r\n{}");
            lines.put("fractional Content-Length", post + "Content-Length: 1.5\r\n\r\n{}");
            lines.put("Content-Length with a sign", post + "Content-Length: +2\r\n\r\n{}");
            lines.put("Content-Length as a list", post + "Content-Length: 2, 2\r\n\r\n{}");
            lines.put("chunked, then gzip", post + "Transfer-Encoding: chunked, gzip\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
            lines.put("xchunked", post + "Transfer-Encoding: xchunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
            lines.put("chunk extension garbage", post + "Transfer-Encoding: chunked\r\n\r\n2;\u0001=\"\r\n{}\r\n0\r\n\r\n");
            lines.put("trailer after chunks", post + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\nX-Trailer: "
                    + word(9000) + "\r\n\r\n");
            for (String badHost : List.of("[::1", "a b", ":80", "127.0.0.1:99999", "-", "a@b", "%zz", "",
                    "127.0.0.1:19300:1", "[fe80::1%25eth0]", "\u00e9xample", "host/path")) {
                lines.put("Host: " + badHost, "GET " + items + " HTTP/1.1\r\nHost: " + badHost + "\r\n\r\n");
            }
            lines.put("HTTP/1.0 without Host", "GET " + items + " HTTP/1.0\r\n\r\n");
            lines.put("asterisk-form OPTIONS", "OPTIONS * HTTP/1.1\r\n" + host + "\r\n");
            lines.put("asterisk for a GET", "GET * HTTP/1.1\r\n" + host + "\r\n");
            lines.put("authority-form GET", "GET 127.0.0.1:" + port + " HTTP/1.1\r\n" + host + "\r\n");
            lines.put("an 8 KiB header name", "GET " + items + " HTTP/1.1\r\n" + host + word(9000) + ": 1\r\n\r\n");
            lines.put("non-ASCII header name", "GET " + items + " HTTP/1.1\r\n" + host + "X-\u00e9t\u00e9: 1\r\n\r\n");
            for (Map.Entry<String, String> line : lines.entrySet()) {
                addRaw(line.getKey(), line.getValue().getBytes(StandardCharsets.ISO_8859_1), Expect.REFUSE);
            }
            byte[] tls = {0x16, 0x03, 0x01, 0x00, (byte) 0xa5, 0x01, 0x00, 0x00, (byte) 0xa1, 0x03, 0x03, '\r', '\n', '\r', '\n'};
            addRaw("TLS ClientHello on the plain port", tls, Expect.REFUSE);
            for (int i = 0; i < 3; i++) {
                byte[] garbage = new byte[16 + random.nextInt(200)];
                random.nextBytes(garbage);
                for (int j = 0; j < garbage.length; j++) {
                    if (garbage[j] == '\r' || garbage[j] == '\n') {
                        garbage[j] = 'x';
                    }
                }
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                bytes.writeBytes(garbage);
                bytes.writeBytes("\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                addRaw("random bytes " + (i + 1), bytes.toByteArray(), Expect.REFUSE);
            }
        }
    }

    /** Login tokens with something wrong in them. */
    static final class Jwts {
        static String expired(String token) {
            String[] parts = token.split("\\.");
            ObjectNode payload = (ObjectNode) readJson(decode(parts[1]));
            payload.put("iat", 999_996_400L).put("exp", 1_000_000_000L);
            return parts[0] + "." + encode(payload.toString()) + "." + parts[2];
        }

        static String unsigned(String token) {
            String[] parts = token.split("\\.");
            return encode("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".";
        }

        static String tampered(String token, Random random) {
            String[] parts = token.split("\\.");
            char[] signature = parts[2].toCharArray();
            // Not the last character: some of its bits are padding, and changing only those changes nothing.
            int at = random.nextInt(signature.length - 1);
            signature[at] = signature[at] == 'A' ? 'B' : 'A';
            return parts[0] + "." + parts[1] + "." + new String(signature);
        }

        static String algorithmConfusion(String token, String jwks) {
            String[] parts = token.split("\\.");
            ObjectNode header = (ObjectNode) readJson(decode(parts[0]));
            header.put("alg", "HS256");
            String signed = encode(header.toString()) + "." + parts[1];
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(jwks.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                return signed + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(
                        signed.getBytes(StandardCharsets.US_ASCII)));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        static String garbledPayload(String token) {
            String[] parts = token.split("\\.");
            return parts[0] + "." + encode("{\"sub\": ") + "." + parts[2];
        }

        private static String decode(String part) {
            return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
        }

        private static String encode(String text) {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    static final class Keys {
        /** The key with its last checksum character changed. */
        static String badChecksum(String key) {
            char last = key.charAt(key.length() - 1);
            return key.substring(0, key.length() - 1) + (last == 'a' ? 'b' : 'a');
        }
    }

    // ---------------------------------------------------------------- checking the answers

    /** Replaces every secret in a text by its label. */
    record Masker(Map<String, String> secrets) {
        String mask(String text) {
            String masked = text;
            for (Map.Entry<String, String> secret : secrets.entrySet()) {
                if (!secret.getKey().isEmpty()) {
                    masked = masked.replace(secret.getKey(), secret.getValue());
                }
            }
            return masked;
        }

        boolean leaks(String text) {
            return secrets.keySet().stream().anyMatch(secret -> !secret.isEmpty() && text.contains(secret));
        }
    }

    static final class Findings {
        /** What a problem must not show: a stack trace, an exception or a class of the stack. */
        private static final Pattern INTERNALS = Pattern.compile("\\tat |\\bat [a-z]+\\.[a-z]+\\.|Exception\\b|Caused by"
                + "|\\b(java|javax|jakarta|sun|org\\.springframework|org\\.axonframework|com\\.fasterxml|io\\.netty"
                + "|reactor\\.(core|netty)|io\\.keyhook|com\\.mongodb|org\\.postgresql|de\\.bwaldvogel|org\\.bson)\\.[A-Za-z]");

        /** A finding, in the order of the requests (findings of the run as a whole after them). */
        private record Finding(int order, String text) {
        }

        private final Masker masker;
        private final Map<String, List<Finding>> found = new LinkedHashMap<>();
        private final Map<Integer, Integer> statuses = new TreeMap<>();
        private final TreeMap<Long, String> slowest = new TreeMap<>();
        private int requests;

        Findings(Map<String, String> secrets) {
            this.masker = new Masker(secrets);
            CATEGORIES.forEach(category -> found.put(category, new ArrayList<>()));
        }

        synchronized void add(String category, String text) {
            found.get(category).add(new Finding(Integer.MAX_VALUE, masker.mask(text)));
        }

        synchronized void check(int index, Case request, Exchange answer, long millis) {
            requests++;
            statuses.merge(answer.status(), 1, Integer::sum);
            slowest.put(millis * 100_000 + index, request.name() + " " + millis + " ms");
            if (slowest.size() > 3) {
                slowest.pollFirstEntry();
            }
            String problem = problemIn(request, answer);
            if (answer.status() >= 500) {
                report(FIVE_XX, index, request, answer, "answered " + answer.status());
            } else if (problem != null) {
                report(NON_PROBLEM, index, request, answer, problem);
            } else if (request.expect() == Expect.REFUSE && answer.status() < 400) {
                report(ACCEPTED, index, request, answer, "a malformed request was answered " + answer.status());
            }
        }

        synchronized String slowest() {
            return masker.mask(String.join("; ", slowest.descendingMap().values()));
        }

        /** What is wrong with the answer as an answer to a bad request, or null. */
        private String problemIn(Case request, Exchange answer) {
            if (answer.error() != null) {
                return "no answer: " + answer.error();
            }
            int status = answer.status();
            boolean error = status >= 400 || (status >= 300 && status != 304);
            if (!error) {
                return null;
            }
            String type = answer.header("content-type");
            if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/problem+json")) {
                return "an error answered with Content-Type " + type + " instead of application/problem+json";
            }
            String headers = answer.headerText();
            if (masker.leaks(headers)) {
                return "a secret in the answer's headers";
            }
            if (request.method().equals("HEAD")) {
                return null;
            }
            String body = new String(answer.body(), StandardCharsets.UTF_8);
            if (masker.leaks(body)) {
                return "a secret in the problem";
            }
            Matcher internals = INTERNALS.matcher(body);
            if (internals.find()) {
                return "the problem shows internals ('" + internals.group() + "')";
            }
            JsonNode json;
            try {
                json = JSON.readTree(body);
            } catch (IOException e) {
                return "the problem is not JSON";
            }
            if (json == null || !json.isObject()) {
                return "the problem is not a JSON object";
            }
            if (json.path("type").asText().isBlank() || json.path("title").asText().isBlank()) {
                return "the problem has no type or no title";
            }
            if (!json.path("status").isInt() || json.path("status").asInt() != status) {
                return "the problem's status " + json.path("status") + " is not the HTTP status " + status;
            }
            return null;
        }

        private void report(String category, int index, Case request, Exchange answer, String what) {
            found.get(category).add(new Finding(index, masker.mask(request.group() + " / " + request.name() + ": "
                    + what + "\n      request:  " + request.describe(masker) + "\n      response: "
                    + answer.describe(masker))));
        }

        synchronized boolean clean() {
            return found.values().stream().allMatch(List::isEmpty);
        }

        synchronized void print() {
            System.out.println("statuses: " + statuses.entrySet().stream()
                    .map(e -> (e.getKey() < 0 ? "none" : e.getKey()) + " x" + e.getValue())
                    .reduce((a, b) -> a + ", " + b).orElse("none"));
            found.forEach((category, list) -> {
                if (list.isEmpty()) {
                    return;
                }
                System.out.println("--- " + category + ": " + list.size());
                list.stream().sorted(Comparator.comparingInt(Finding::order)).limit(SHOWN_PER_CATEGORY)
                        .forEach(f -> System.out.println("  " + f.text()));
                if (list.size() > SHOWN_PER_CATEGORY) {
                    System.out.println("  ... and " + (list.size() - SHOWN_PER_CATEGORY) + " more");
                }
            });
        }

        synchronized String summary(long seed) {
            StringBuilder line = new StringBuilder("fuzz: " + requests + " requests (seed " + seed + "):");
            for (int i = 0; i < CATEGORIES.size(); i++) {
                line.append(i == 0 ? " " : ", ").append(CATEGORIES.get(i)).append(' ')
                        .append(found.get(CATEGORIES.get(i)).size());
            }
            return line.toString();
        }
    }

    /** Entries of the server log written during the run: every ERROR, and every WARN with a stack trace. */
    static final class LogScan {
        private static final Pattern ENTRY = Pattern.compile("^\\d{4}-\\d{2}-\\d{2}T\\S+\\s+(ERROR|WARN|INFO|DEBUG|TRACE)\\s");
        private static final Pattern TRACE = Pattern.compile("^(\\s+at |Caused by:|[a-z][\\w$]*(\\.[\\w$]+)+(Exception|Error)\\b)");

        static void scan(Path log, long offset, Findings findings) {
            List<String> lines;
            try (InputStream in = Files.newInputStream(log)) {
                in.skipNBytes(offset);
                lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            } catch (IOException e) {
                throw new InfrastructureFailure("cannot read the server log: " + e, log);
            }
            Map<String, Integer> seen = new LinkedHashMap<>();
            Map<String, String> examples = new HashMap<>();
            for (int i = 0; i < lines.size(); i++) {
                Matcher entry = ENTRY.matcher(lines.get(i));
                if (!entry.find()) {
                    continue;
                }
                List<String> continuation = new ArrayList<>();
                for (int j = i + 1; j < lines.size() && !ENTRY.matcher(lines.get(j)).find(); j++) {
                    continuation.add(lines.get(j));
                }
                boolean traced = continuation.stream().anyMatch(l -> TRACE.matcher(l).find());
                if (entry.group(1).equals("ERROR") || (entry.group(1).equals("WARN") && traced)) {
                    String message = lines.get(i).replaceFirst("^\\S+\\s+", "").replaceAll("\\[[^]]*]", "[]");
                    seen.merge(message, 1, Integer::sum);
                    examples.putIfAbsent(message, lines.get(i) + continuation.stream().filter(l -> !l.isBlank())
                            .limit(4).map(l -> "\n        " + abbreviate(l, 200)).reduce("", String::concat));
                }
            }
            seen.forEach((message, count) -> findings.add(LOGGED, (count > 1 ? count + " times: " : "")
                    + examples.get(message)));
        }
    }

    // ---------------------------------------------------------------- HTTP over a plain socket

    record Exchange(int status, List<String[]> headers, byte[] body, String error) {
        static Exchange failed(String error) {
            return new Exchange(-1, List.of(), new byte[0], error);
        }

        String header(String name) {
            return headers.stream().filter(h -> h[0].equalsIgnoreCase(name)).map(h -> h[1]).findFirst().orElse(null);
        }

        String headerText() {
            StringBuilder text = new StringBuilder();
            headers.forEach(h -> text.append(h[0]).append(": ").append(h[1]).append('\n'));
            return text.toString();
        }

        String describe(Masker masker) {
            if (error != null) {
                return "(none: " + error + ")";
            }
            StringBuilder text = new StringBuilder().append(status);
            headers.forEach(h -> text.append(" | ").append(h[0]).append(": ").append(h[1]));
            String content = new String(body, StandardCharsets.UTF_8);
            text.append(" | body: ").append(abbreviate(escape(content), 400));
            return masker.mask(text.toString());
        }
    }

    static final class RawHttp {
        /** Sends the request as it is and reads one answer; the body goes from another thread, since an answer may come first. */
        static Exchange exchange(int port, Case request) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
                socket.setSoTimeout(READ_TIMEOUT_MILLIS);
                OutputStream out = socket.getOutputStream();
                Thread writer = new Thread(() -> {
                    try {
                        out.write(request.wire());
                        out.flush();
                    } catch (IOException closedEarly) {
                        // the answer is what counts
                    }
                }, "fuzz-writer");
                writer.setDaemon(true);
                writer.start();
                return read(new BufferedInputStream(socket.getInputStream()), request.method());
            } catch (IOException e) {
                return Exchange.failed(e.toString());
            }
        }

        private static Exchange read(InputStream in, String method) throws IOException {
            while (true) {
                String statusLine = line(in, true);
                if (statusLine == null) {
                    return Exchange.failed("the connection closed without an answer");
                }
                String[] parts = statusLine.split(" ", 3);
                if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                    return Exchange.failed("not an HTTP status line: " + abbreviate(statusLine, 100));
                }
                int status = Integer.parseInt(parts[1]);
                List<String[]> headers = new ArrayList<>();
                for (String header = line(in, false); !header.isEmpty(); header = line(in, false)) {
                    int colon = header.indexOf(':');
                    headers.add(new String[]{colon < 0 ? header : header.substring(0, colon),
                            colon < 0 ? "" : header.substring(colon + 1).trim()});
                }
                if (status / 100 == 1) {
                    continue;
                }
                Exchange head = new Exchange(status, headers, new byte[0], null);
                String type = Objects.requireNonNullElse(head.header("content-type"), "");
                if (method.equals("HEAD") || status == 204 || status == 304 || type.startsWith("text/event-stream")) {
                    return head;
                }
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                if ("chunked".equalsIgnoreCase(head.header("transfer-encoding"))) {
                    for (int size = chunkSize(in); size > 0; size = chunkSize(in)) {
                        body.write(in.readNBytes(size));
                        line(in, false);
                        if (body.size() > MAX_BODY_READ) {
                            break;
                        }
                    }
                } else if (head.header("content-length") != null) {
                    body.write(in.readNBytes(Math.min(MAX_BODY_READ, Integer.parseInt(head.header("content-length")))));
                } else {
                    body.write(in.readNBytes(MAX_BODY_READ));
                }
                return new Exchange(status, headers, body.toByteArray(), null);
            }
        }

        private static int chunkSize(InputStream in) throws IOException {
            return Integer.parseInt(line(in, false).split(";")[0].trim(), 16);
        }

        /** One line without its CRLF; null at the end of the stream if that may come here. */
        private static String line(InputStream in, boolean endAllowed) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    if (endAllowed && line.size() == 0) {
                        return null;
                    }
                    throw new EOFException("the connection closed mid-answer");
                }
                line.write(b);
            }
            String text = line.toString(StandardCharsets.ISO_8859_1);
            return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
        }
    }

    static byte[] gzip(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream zip = new java.util.zip.GZIPOutputStream(out)) {
            zip.write(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    static byte[] chunked(byte[] body, int chunkSize) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int at = 0; at < body.length; at += chunkSize) {
            int size = Math.min(chunkSize, body.length - at);
            out.writeBytes((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body, at, size);
            out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    // ---------------------------------------------------------------- well-formed requests (set-up and checks)

    static final class Api {
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        private final String base;
        private final Path log;

        Api(String base, Path log) {
            this.base = base;
            this.log = log;
        }

        final class Answer {
            private final int status;
            private final JsonNode body;
            private final String text;

            Answer(int status, JsonNode body, String text) {
                this.status = status;
                this.body = body;
                this.text = text;
            }

            int status() {
                return status;
            }

            JsonNode body() {
                return body;
            }

            String text() {
                return text;
            }

            /** The answer if it has the status; otherwise the run cannot go on (only a problem's type and detail are shown). */
            Answer require(int expected, String what) {
                if (status != expected) {
                    throw new InfrastructureFailure(what + " answered " + status + " " + body.path("type").asText()
                            + " " + body.path("detail").asText(), log);
                }
                return this;
            }
        }

        Answer call(String method, String path, String token, Object body) {
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofSeconds(30));
                if (token != null) {
                    request.header("Authorization", "Bearer " + token);
                }
                if (body != null) {
                    request.header("Content-Type", "application/json")
                            .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
                } else {
                    request.method(method, HttpRequest.BodyPublishers.noBody());
                }
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                JsonNode json = response.body().isBlank() ? NODES.objectNode() : readJson(response.body());
                return new Answer(response.statusCode(), json, response.body());
            } catch (IOException e) {
                throw new InfrastructureFailure(method + " " + path + " failed: " + e, log);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InfrastructureFailure("interrupted", log);
            }
        }
    }

    /** A webhook receiver on loopback that answers every delivery 204 and counts them. */
    static final class Receiver implements AutoCloseable {
        private final HttpServer server;
        private final AtomicInteger received = new AtomicInteger();

        private Receiver(HttpServer server) {
            this.server = server;
        }

        static Receiver start() {
            int port = Ports.free();
            try {
                HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
                Receiver receiver = new Receiver(server);
                server.createContext("/", exchange -> {
                    try (exchange) {
                        exchange.getRequestBody().readAllBytes();
                        receiver.received.incrementAndGet();
                        exchange.sendResponseHeaders(204, -1);
                    }
                });
                server.start();
                return receiver;
            } catch (IOException e) {
                throw new InfrastructureFailure("cannot start the webhook receiver on port " + port + ": " + e, null);
            }
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        }

        int count() {
            return received.get();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    // ---------------------------------------------------------------- the server process

    static final class Server {
        private static final AtomicReference<Server> RUNNING = new AtomicReference<>();

        static {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                Server server = RUNNING.get();
                if (server != null) {
                    server.stopQuietly();
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

        /**
         * The packaged server on loopback. Failed authentications are not limited: the run makes hundreds
         * from one address on purpose, and a lockout would answer them all alike.
         */
        static Server start(Path jar, Path dataDir, Path log, Path pidFile) {
            int port = Ports.free();
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> command = List.of(java, "-Xms256m", "-Xmx768m", "-jar", jar.toString(),
                    "--server.address=127.0.0.1", "--server.port=" + port, "--keyhook.data-dir=" + dataDir,
                    "--keyhook.webhooks.allow-private-targets=true",
                    "--keyhook.api-keys.failed-auth-per-minute=1000000");
            try {
                Files.writeString(log, "=== starting the server on port " + port + " at " + Instant.now() + " ===\n",
                        StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                Process process = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
                Files.writeString(pidFile, process.pid() + "\n", StandardCharsets.UTF_8);
                Server server = new Server(process, port, dataDir, log);
                RUNNING.set(server);
                return server;
            } catch (IOException e) {
                throw new InfrastructureFailure("cannot start the server: " + e, log);
            }
        }

        String base() {
            return "http://127.0.0.1:" + port;
        }

        void awaitHealthy(Duration deadline) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            Instant end = Instant.now().plus(deadline);
            while (Instant.now().isBefore(end)) {
                if (!process.isAlive()) {
                    throw new InfrastructureFailure("the server exited with " + process.exitValue()
                            + " before it was healthy", log);
                }
                try {
                    HttpResponse<Void> health = http.send(HttpRequest.newBuilder(URI.create(base() + "/actuator/health"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                    if (health.statusCode() == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InfrastructureFailure("interrupted", log);
                }
                sleepMillis(250);
            }
            throw new InfrastructureFailure("the server was not healthy within " + deadline.toSeconds() + " s", log);
        }

        /** SIGTERM, and wait for a graceful stop. */
        void stop(Duration deadline) {
            process.destroy();
            if (!waitFor(deadline)) {
                throw new InfrastructureFailure("the server did not stop within " + deadline.toSeconds()
                        + " s of SIGTERM", log);
            }
            Postmaster.killLeftover(dataDir);
            RUNNING.set(null);
        }

        void stopQuietly() {
            if (process.isAlive()) {
                process.destroy();
                if (!waitFor(Duration.ofSeconds(20))) {
                    process.destroyForcibly();
                    waitFor(Duration.ofSeconds(10));
                }
            }
            Postmaster.killLeftover(dataDir);
            RUNNING.set(null);
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

        /** A postmaster the server left behind (only if that pid still is a postgres process), with its children. */
        static void killLeftover(Path dataDir) {
            pid(dataDir).ifPresent(pid -> ProcessHandle.of(pid)
                    .filter(process -> process.info().command().orElse("").contains("postgres"))
                    .ifPresent(postmaster -> {
                        List<ProcessHandle> children = postmaster.children().toList();
                        children.forEach(ProcessHandle::destroyForcibly);
                        postmaster.destroyForcibly();
                        waitUntil(Duration.ofSeconds(10), () -> !postmaster.isAlive());
                    }));
        }
    }

    static final class Ports {
        private static final Set<Integer> HANDED_OUT = new LinkedHashSet<>();

        /** A port in 19300-19399 that is free now and not handed out before in this run. */
        static synchronized int free() {
            int span = LAST_PORT - FIRST_PORT + 1;
            int start = ThreadLocalRandom.current().nextInt(span);
            for (int i = 0; i < span; i++) {
                int port = FIRST_PORT + (start + i) % span;
                if (!HANDED_OUT.contains(port) && bindable(port)) {
                    HANDED_OUT.add(port);
                    return port;
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

    // ---------------------------------------------------------------- small helpers

    static JsonNode readJson(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return NODES.objectNode().put("unreadable", abbreviate(text, 200));
        }
    }

    static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "...";
    }

    /** CR, LF and other control characters as escapes, so a request or answer prints on one line. */
    static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '\r' -> escaped.append("\\r");
                case '\n' -> escaped.append("\\n");
                case '\t' -> escaped.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        escaped.append(String.format("\\x%02x", (int) c));
                    } else {
                        escaped.append(c);
                    }
                }
            }
        }
        return escaped.toString();
    }

    /** Long runs of one character (padding, nesting) shown once with their length. */
    static String squeeze(String text) {
        return Pattern.compile("(.)\\1{39,}").matcher(text).replaceAll(run -> Matcher.quoteReplacement(
                run.group(1).repeat(3) + "...(" + run.group().length() + "x)"));
    }

    static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new InfrastructureFailure("cannot read " + file + ": " + e, null);
        }
    }

    static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new InfrastructureFailure("cannot create " + dir + ": " + e, null);
        }
    }

    static void awaitUntil(Duration deadline, BooleanSupplier condition, String failure, Path log) {
        if (!waitUntil(deadline, condition)) {
            throw new InfrastructureFailure(failure + " within " + deadline.toSeconds() + " s", log);
        }
    }

    static boolean waitUntil(Duration deadline, BooleanSupplier condition) {
        Instant end = Instant.now().plus(deadline);
        while (Instant.now().isBefore(end)) {
            if (condition.getAsBoolean()) {
                return true;
            }
            sleepMillis(200);
        }
        return condition.getAsBoolean();
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
}
