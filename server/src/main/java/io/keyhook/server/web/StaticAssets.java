package io.keyhook.server.web;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.springframework.boot.web.embedded.netty.NettyRouteProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.http.MediaType;
import org.springframework.http.MediaTypeFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The web console's files ({@code classpath:/static/}), read once at start and answered by the
 * HTTP server itself, ahead of the application's filters: no jar lookup, no file read, no
 * last-modified probe and no security chain per request, only a map lookup on the exact path of a
 * {@code GET} or {@code HEAD}. Anything else (another path or method, an encoded path) goes on to the
 * application as before. Each answer carries the headers the security chain gives every response,
 * a strong ETag of the content and {@code Cache-Control: no-cache}, so browsers keep a copy and
 * revalidate it with a 304 that has no body; an upgrade changes the ETag. {@code /} is the
 * console's {@code index.html}.
 */
@Configuration(proxyBeanMethods = false)
public class StaticAssets {

    static final String LOCATION = "classpath:/static/";
    /** What the security chain writes on every response it lets through. */
    private static final Map<String, String> SECURITY_HEADERS = Map.of(
            "X-Content-Type-Options", "nosniff",
            "X-Frame-Options", "DENY",
            "X-XSS-Protection", "0",
            "Referrer-Policy", "no-referrer");

    record Asset(ByteBuf body, String type, String etag) {
    }

    @Bean
    NettyRouteProvider staticAssetRoutes() throws IOException {
        Map<String, Asset> assets = load();
        Asset index = assets.get("/index.html");
        if (index != null) {
            assets.put("/", index);
        }
        return routes -> routes.route(request -> asset(assets, request) != null,
                (request, response) -> serve(asset(assets, request), request, response));
    }

    private static Asset asset(Map<String, Asset> assets, HttpServerRequest request) {
        HttpMethod method = request.method();
        if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method)) {
            return null;
        }
        String uri = request.uri();
        int query = uri.indexOf('?');
        return assets.get(query < 0 ? uri : uri.substring(0, query));
    }

    private static Mono<Void> serve(Asset asset, HttpServerRequest request, HttpServerResponse response) {
        SECURITY_HEADERS.forEach(response::header);
        response.header(HttpHeaderNames.ETAG, asset.etag()).header(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        if (matches(request.requestHeaders().get(HttpHeaderNames.IF_NONE_MATCH), asset.etag())) {
            return response.status(HttpResponseStatus.NOT_MODIFIED).send();
        }
        response.header(HttpHeaderNames.CONTENT_TYPE, asset.type())
                .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(asset.body().readableBytes()));
        if (HttpMethod.HEAD.equals(request.method())) {
            return response.send();
        }
        return response.send(Mono.just(asset.body().retainedDuplicate())).then();
    }

    /** {@code If-None-Match}: a list of entity tags, weak ones included (RFC 9110, 13.1.2), or {@code *}. */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String tag : ifNoneMatch.split(",")) {
            String candidate = tag.trim();
            if (candidate.startsWith("W/")) {
                candidate = candidate.substring(2);
            }
            if (candidate.equals(etag) || candidate.equals("*")) {
                return true;
            }
        }
        return false;
    }

    static Map<String, Asset> load() throws IOException {
        Map<String, Asset> assets = new HashMap<>();
        PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver();
        String root = resolver.getResource(LOCATION).getURI().toString();
        for (Resource resource : resolver.getResources(LOCATION + "**/*")) {
            String path = resource.getURI().toString();
            if (!resource.isReadable() || path.endsWith("/") || !path.startsWith(root)) {
                continue;
            }
            byte[] body;
            try (InputStream in = resource.getInputStream()) {
                body = in.readAllBytes();
            }
            MediaType type = MediaTypeFactory.getMediaType(resource).orElse(MediaType.APPLICATION_OCTET_STREAM);
            String text = type.getType().equals("text") || type.getSubtype().contains("javascript")
                    ? type + ";charset=UTF-8" : type.toString();
            assets.put("/" + path.substring(root.length()), new Asset(
                    Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(body)), text, etag(body)));
        }
        return assets;
    }

    private static String etag(byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
