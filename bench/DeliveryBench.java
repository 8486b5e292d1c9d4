import io.netty.buffer.Unpooled;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The webhook delivery benchmark (run by bench/delivery.sh): one local receiver; first a plain
 * reactive HTTP client POSTs N requests to it, then N item events go through Keyhook to one
 * subscription on the same receiver; prints both rates and their ratio. Then M deliveries whose
 * receiver fails twice show how late retries start against their schedule.
 *
 * <p>Arguments: Keyhook's base URL, N, the concurrency, M and, optionally, {@code --wait-at-phases}:
 * then it prints {@code @phase keyhook start} right before the N item events are created and
 * {@code @phase keyhook end <N>} once the last of their deliveries has arrived, and after each waits
 * for a line on its stdin, so that the caller can sample the server's CPU time at both ends. Last it
 * prints {@code @deliveries <count>}: the distinct deliveries the receiver got (N, M, and the
 * {@code item.created} of the item the M stock changes are made on). Every wait is bounded; any
 * failure ends it with status 1.
 */
public class DeliveryBench {

    /** How long the benchmark waits without a delivery arriving before it gives up. */
    static final Duration STALL = Duration.ofSeconds(60);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    static final Set<String> keyhookDeliveries = ConcurrentHashMap.newKeySet();
    static final AtomicLong lastReceivedNanos = new AtomicLong();
    static final Map<String, AtomicInteger> flakyAttempts = new ConcurrentHashMap<>();

    public static void main(String[] args) {
        // Once a request has failed (its error ends the run, with its stack trace), the others still in
        // flight are cancelled or fail too: one line for each of those that was not just cancelled.
        Hooks.onErrorDropped(e -> {
            if (!cancellation(e)) {
                System.err.println("also failed: " + e);
            }
        });
        try {
            run(args);
        } catch (Throwable e) {
            // Its HTTP client's executor threads would keep the JVM alive.
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    static void run(String[] args) throws Exception {
        String keyhook = args[0];
        int n = Integer.parseInt(args[1]);
        int concurrency = Integer.parseInt(args[2]);
        int flaky = Integer.parseInt(args[3]);
        boolean waitAtPhases = List.of(args).contains("--wait-at-phases");
        int warmup = List.of(args).stream().filter(arg -> arg.startsWith("--warmup=")).findFirst()
                .map(arg -> Integer.parseInt(arg.substring("--warmup=".length()))).orElse(0);
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        DisposableServer receiver = receiver();
        String base = "http://127.0.0.1:" + receiver.port();
        String body = "{\"id\":\"" + "0".repeat(36) + "\",\"event\":\"item.created\",\"timestamp\":\"2026-03-01T10:15:30Z\","
                + "\"organization_id\":\"" + "0".repeat(36) + "\",\"data\":{\"itemId\":\"" + "0".repeat(36)
                + "\",\"name\":\"Item\",\"sku\":\"SKU-1\",\"quantity\":1,\"lowStockThreshold\":0,\"description\":null}}";

        double plain = plainClient(base + "/plain", body, n, concurrency);
        System.out.printf("plain reactive client: %d POSTs in %.2f s = %.0f requests/s%n", n, n / plain, plain);

        java.net.http.HttpClient api = java.net.http.HttpClient.newBuilder().executor(Executors.newFixedThreadPool(8)).build();
        String token = field(post(api, keyhook + "/api/v1/auth/signup", null,
                "{\"organization\":\"Bench\",\"email\":\"bench-" + System.nanoTime() + "@example.com\",\"password\":\"bench password\"}"), "token");
        post(api, keyhook + "/api/v1/webhooks", token, "{\"url\":\"" + base + "/keyhook\",\"eventTypes\":[\"item.created\"]}");
        String flakyId = field(post(api, keyhook + "/api/v1/webhooks", token,
                "{\"url\":\"" + base + "/flaky\",\"eventTypes\":[\"item.updated\"]}"), "id");

        // A create whose item is not readable within the server's visibility timeout (it has been
        // created: its event is stored) is answered 404; the wait for its delivery shows it was.
        AtomicInteger notYetReadable = new AtomicInteger();
        if (warmup > 0) {
            long warmupStart = System.nanoTime();
            createItems(api, keyhook, token, n, warmup, concurrency, notYetReadable);
            awaitDeliveries(warmup);
            System.out.printf("warm-up (not counted): %d deliveries in %.2f s%n", warmup,
                    (System.nanoTime() - warmupStart) / 1e9);
        }
        phase("@phase keyhook start", waitAtPhases, stdin);
        long start = System.nanoTime();
        createItems(api, keyhook, token, 0, n, concurrency, notYetReadable);
        long created = System.nanoTime();
        awaitDeliveries(warmup + n);
        phase("@phase keyhook end " + n, waitAtPhases, stdin);
        if (notYetReadable.get() > 0) {
            System.out.printf("note: %d of %d item creations were answered 404 (not readable within the server's "
                    + "visibility timeout); all %d were delivered%n", notYetReadable.get(), n, n);
        }
        double seconds = (lastReceivedNanos.get() - start) / 1e9;
        double endToEnd = n / seconds;
        System.out.printf("keyhook end to end:    %d item events -> %d signed deliveries in %.2f s = %.0f deliveries/s "
                + "(events created in %.2f s)%n", n, n, seconds, endToEnd, (created - start) / 1e9);
        System.out.printf("ratio keyhook / plain client: %.3f  (goal >= 0.30)%n", endToEnd / plain);

        if (flaky > 0) {
            lateness(api, keyhook, token, flakyId, flaky, concurrency);
        }
        System.out.println("@deliveries " + (keyhookDeliveries.size() + flakyAttempts.size()));
        System.out.flush();
        receiver.disposeNow();
    }

    /** Creates items number from .. from + count - 1, concurrency at a time: each is one item.created event. */
    static void createItems(java.net.http.HttpClient api, String keyhook, String token, int from, int count,
                            int concurrency, AtomicInteger notYetReadable) {
        Flux.range(from, count)
                .flatMap(i -> Mono.fromFuture(api.sendAsync(json(keyhook + "/api/v1/items", token,
                        "{\"name\":\"Item " + i + "\",\"sku\":\"SKU-" + i + "\",\"quantity\":" + (i + 10) + "}"),
                        HttpResponse.BodyHandlers.ofString())).map(response -> {
                            if (response.statusCode() == 404) {
                                notYetReadable.incrementAndGet();
                                return response;
                            }
                            return checked(response);
                        }), concurrency)
                .blockLast();
    }

    /** Prints a phase mark and, if asked to, waits for a line on stdin (going on at its end). */
    static void phase(String mark, boolean wait, BufferedReader stdin) throws IOException {
        System.out.println(mark);
        System.out.flush();
        if (wait) {
            stdin.readLine();
        }
    }

    /** Waits until n distinct deliveries reached /keyhook; fails after STALL without one arriving. */
    static void awaitDeliveries(int n) throws InterruptedException {
        int seen = keyhookDeliveries.size();
        long progressAt = System.nanoTime();
        while (seen < n) {
            Thread.sleep(20);
            int now = keyhookDeliveries.size();
            if (now > seen) {
                seen = now;
                progressAt = System.nanoTime();
            } else if (System.nanoTime() - progressAt > STALL.toNanos()) {
                throw new IllegalStateException("only " + seen + " of " + n + " deliveries arrived; none in the last "
                        + STALL.toSeconds() + " s");
            }
        }
    }

    static boolean cancellation(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof CancellationException) {
                return true;
            }
        }
        return false;
    }

    static HttpResponse<String> checked(HttpResponse<String> response) {
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(response.request().method() + " " + response.uri() + " answered "
                    + response.statusCode() + ": " + response.body());
        }
        return response;
    }

    static void lateness(java.net.http.HttpClient api, String keyhook, String token, String subscriptionId, int m,
                         int concurrency) throws Exception {
        String itemId = field(post(api, keyhook + "/api/v1/items", token, "{\"name\":\"Flaky\",\"quantity\":1000000}"), "id");
        Flux.range(0, m)
                .concatMap(i -> Mono.fromFuture(api.sendAsync(json(keyhook + "/api/v1/items/" + itemId + "/stock", token,
                        "{\"delta\":-1}"), HttpResponse.BodyHandlers.ofString())).map(DeliveryBench::checked))
                .blockLast();
        List<Long> lateMillis = new ArrayList<>();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        int succeeded = 0;
        while (Instant.now().isBefore(deadline)) {
            lateMillis.clear();
            succeeded = 0;
            for (int page = 0; page * 100 < m; page++) {
                String json = get(api, keyhook + "/api/v1/webhooks/" + subscriptionId + "/deliveries?status=succeeded&size=100&page=" + page, token);
                Matcher attempt = Pattern.compile("\"number\":(\\d+),\"dueAt\":\"([^\"]+)\",\"at\":\"([^\"]+)\"").matcher(json);
                while (attempt.find()) {
                    if (Integer.parseInt(attempt.group(1)) > 1) {
                        lateMillis.add(Duration.between(Instant.parse(attempt.group(2)), Instant.parse(attempt.group(3))).toMillis());
                    }
                }
                succeeded += count(json, "\"status\":\"succeeded\"");
            }
            if (succeeded >= m) {
                break;
            }
            Thread.sleep(1000);
        }
        if (succeeded < m || lateMillis.isEmpty()) {
            throw new IllegalStateException("after 5 minutes " + succeeded + " of " + m + " flaky deliveries have succeeded, "
                    + lateMillis.size() + " retries among them");
        }
        Collections.sort(lateMillis);
        System.out.printf("retry lateness (%d retries of %d deliveries that failed twice): p50 %d ms, p99 %d ms, max %d ms, min %d ms%n",
                lateMillis.size(), m, lateMillis.get(lateMillis.size() / 2), lateMillis.get((int) (lateMillis.size() * 0.99)),
                lateMillis.get(lateMillis.size() - 1), lateMillis.get(0));
    }

    static double plainClient(String url, String body, int n, int concurrency) {
        HttpClient client = HttpClient.create().responseTimeout(REQUEST_TIMEOUT)
                .headers(h -> h.set("Content-Type", "application/json"));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Flux.range(0, 200).flatMap(i -> send(client, url, bytes), concurrency).blockLast();
        long start = System.nanoTime();
        Flux.range(0, n).flatMap(i -> send(client, url, bytes), concurrency).blockLast();
        return n / ((System.nanoTime() - start) / 1e9);
    }

    static Mono<Integer> send(HttpClient client, String url, byte[] body) {
        return client.post().uri(url).send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body)))
                .responseSingle((response, content) -> content.then(Mono.just(response.status().code())));
    }

    /** A Reactor Netty server on event loops of its own; answers at once, keeps connections alive. */
    static DisposableServer receiver() {
        return HttpServer.create().runOn(LoopResources.create("receiver", 2, true)).host("127.0.0.1").port(0)
                .handle((request, response) -> request.receive().aggregate().asString().defaultIfEmpty("")
                        .flatMap(body -> {
                            String path = request.path();
                            int status = 200;
                            if (path.equals("flaky")) {
                                String id = request.requestHeaders().get("webhook-id");
                                status = flakyAttempts.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet() <= 2
                                        ? 503 : 200;
                            } else if (path.equals("keyhook")) {
                                lastReceivedNanos.set(System.nanoTime());
                                keyhookDeliveries.add(String.valueOf(request.requestHeaders().get("webhook-id")));
                            }
                            return response.status(status).sendString(Mono.just("ok")).then();
                        }))
                .bindNow();
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

    static String post(java.net.http.HttpClient api, String url, String token, String body) throws Exception {
        return checked(api.send(json(url, token, body), HttpResponse.BodyHandlers.ofString())).body();
    }

    static String get(java.net.http.HttpClient api, String url, String token) throws Exception {
        return checked(api.send(HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString())).body();
    }

    static String field(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json);
        if (!matcher.find()) {
            throw new IllegalStateException("no " + name + " in " + json);
        }
        return matcher.group(1);
    }

    static int count(String text, String needle) {
        int count = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            count++;
        }
        return count;
    }
}
