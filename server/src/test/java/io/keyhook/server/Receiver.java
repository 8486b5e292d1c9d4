package io.keyhook.server;

import io.netty.handler.codec.http.HttpHeaders;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A webhook receiver on a local port, for tests: records every request and answers each path with
 * the statuses it was told to, in order, then 200.
 */
public class Receiver implements AutoCloseable {

    public record Received(Instant at, String path, HttpHeaders headers, String body, InetSocketAddress from) {
        public String header(String name) {
            return headers.get(name);
        }

        /** Whether its Standard Webhooks signature is the one this secret makes. */
        public boolean signedWith(String secret) {
            return sign(secret, header("webhook-id"), header("webhook-timestamp"), body).equals(header("webhook-signature"));
        }
    }

    /** {@code v1,} and the base64 HMAC-SHA256 of {@code id.timestamp.body}, keyed by the decoded {@code whsec_} secret. */
    public static String sign(String secret, String id, String timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
            return "v1," + Base64.getEncoder().encodeToString(
                    mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Queue<Integer>> scripts = new ConcurrentHashMap<>();
    private final Map<String, Duration> delays = new ConcurrentHashMap<>();
    private final LoopResources loops = LoopResources.create("test-receiver", 1, true);
    private final DisposableServer server;

    /** On event loops of its own: an application context that stops takes Reactor Netty's shared ones with it. */
    public Receiver() {
        server = HttpServer.create().runOn(loops).host("127.0.0.1").port(0)
                .handle((request, response) -> request.receive().aggregate().asString().defaultIfEmpty("")
                        .flatMap(body -> {
                            String path = request.uri();
                            received.add(new Received(Instant.now(), path, request.requestHeaders().copy(), body,
                                    request.remoteAddress()));
                            Queue<Integer> script = scripts.get(path);
                            Integer status = script == null ? null : script.poll();
                            return Mono.delay(delays.getOrDefault(path, Duration.ZERO))
                                    .then(response.status(status == null ? 200 : status)
                                            .sendString(Mono.just("received by the test receiver")).then());
                        }))
                .bindNow();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    /** Requests to this path are answered only after this long. */
    public Receiver answerAfter(String path, Duration delay) {
        delays.put(path, delay);
        return this;
    }

    /** The next requests to this path are answered with these statuses, in order; after them, 200. */
    public Receiver answer(String path, Integer... statuses) {
        scripts.computeIfAbsent(path, p -> new ConcurrentLinkedQueue<>()).addAll(List.of(statuses));
        return this;
    }

    public List<Received> at(String path) {
        return received.stream().filter(request -> request.path().equals(path)).toList();
    }

    @Override
    public void close() {
        server.disposeNow();
        loops.disposeLater().block();
    }
}
