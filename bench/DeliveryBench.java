import io.netty.buffer.Unpooled;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

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
 */
public class DeliveryBench {

    static final AtomicInteger received = new AtomicInteger();
    static final AtomicLong lastReceivedNanos = new AtomicLong();
    static final Map<String, AtomicInteger> flakyAttempts = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        String keyhook = args[0];
        int n = Integer.parseInt(args[1]);
        int concurrency = Integer.parseInt(args[2]);
        int flaky = Integer.parseInt(args[3]);
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

        int before = received.get();
        long start = System.nanoTime();
        Flux.range(0, n)
                .flatMap(i -> Mono.fromFuture(api.sendAsync(json(keyhook + "/api/v1/items", token,
                        "{\"name\":\"Item " + i + "\",\"sku\":\"SKU-" + i + "\",\"quantity\":" + (i + 10) + "}"),
                        HttpResponse.BodyHandlers.discarding())), concurrency)
                .blockLast();
        long created = System.nanoTime();
        while (received.get() - before < n) {
            Thread.sleep(20);
        }
        double seconds = (lastReceivedNanos.get() - start) / 1e9;
        double endToEnd = n / seconds;
        System.out.printf("keyhook end to end:    %d item events -> %d signed deliveries in %.2f s = %.0f deliveries/s "
                + "(events created in %.2f s)%n", n, n, seconds, endToEnd, (created - start) / 1e9);
        System.out.printf("ratio keyhook / plain client: %.3f  (goal >= 0.30)%n", endToEnd / plain);

        if (flaky > 0) {
            lateness(api, keyhook, token, flakyId, flaky, concurrency);
        }
        receiver.disposeNow();
        System.exit(0);
    }

    static void lateness(java.net.http.HttpClient api, String keyhook, String token, String subscriptionId, int m,
                         int concurrency) throws Exception {
        String itemId = field(post(api, keyhook + "/api/v1/items", token, "{\"name\":\"Flaky\",\"quantity\":1000000}"), "id");
        Flux.range(0, m)
                .concatMap(i -> Mono.fromFuture(api.sendAsync(json(keyhook + "/api/v1/items/" + itemId + "/stock", token,
                        "{\"delta\":-1}"), HttpResponse.BodyHandlers.discarding())))
                .blockLast();
        List<Long> lateMillis = new ArrayList<>();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        while (Instant.now().isBefore(deadline)) {
            lateMillis.clear();
            int succeeded = 0;
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
        Collections.sort(lateMillis);
        System.out.printf("retry lateness (%d retries of %d deliveries that failed twice): p50 %d ms, p99 %d ms, max %d ms, min %d ms%n",
                lateMillis.size(), m, lateMillis.get(lateMillis.size() / 2), lateMillis.get((int) (lateMillis.size() * 0.99)),
                lateMillis.get(lateMillis.size() - 1), lateMillis.get(0));
    }

    static double plainClient(String url, String body, int n, int concurrency) {
        HttpClient client = HttpClient.create().headers(h -> h.set("Content-Type", "application/json"));
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
                                received.incrementAndGet();
                                lastReceivedNanos.set(System.nanoTime());
                            }
                            return response.status(status).sendString(Mono.just("ok")).then();
                        }))
                .bindNow();
    }

    static HttpRequest json(String url, String token, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request.build();
    }

    static String post(java.net.http.HttpClient api, String url, String token, String body) throws Exception {
        HttpResponse<String> response = api.send(json(url, token, body), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    static String get(java.net.http.HttpClient api, String url, String token) throws Exception {
        return api.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString()).body();
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
