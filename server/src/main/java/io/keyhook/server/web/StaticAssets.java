package io.keyhook.server.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.MediaTypeFactory;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The web console's files ({@code classpath:/static/}), read once at start and served from memory:
 * no jar lookup, no file read and no last-modified probe per request. Each answer carries a strong
 * ETag of the content and {@code Cache-Control: no-cache}, so browsers keep a copy and revalidate
 * it with a 304 that has no body; an upgrade changes the ETag. The security chain still adds its
 * headers. {@code /} is the console's {@code index.html}.
 */
@Configuration(proxyBeanMethods = false)
public class StaticAssets {

    static final String LOCATION = "classpath:/static/";
    private static final CacheControl REVALIDATE = CacheControl.noCache();

    record Asset(byte[] body, MediaType type, String etag) {
    }

    @Bean
    @Order(0)
    RouterFunction<ServerResponse> staticAssetRoutes() throws IOException {
        Map<String, HandlerFunction<ServerResponse>> handlers = new HashMap<>();
        load().forEach((path, asset) -> handlers.put(path, request -> request.checkNotModified(asset.etag())
                .switchIfEmpty(Mono.defer(() -> ServerResponse.ok().contentType(asset.type()).eTag(asset.etag())
                        .cacheControl(REVALIDATE).bodyValue(asset.body())))));
        HandlerFunction<ServerResponse> index = handlers.get("/index.html");
        if (index != null) {
            handlers.put("/", index);
        }
        return request -> {
            HttpMethod method = request.method();
            if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method)) {
                return Mono.empty();
            }
            return Mono.justOrEmpty(handlers.get(request.path()));
        };
    }

    static Map<String, Asset> load() throws IOException {
        Map<String, Asset> assets = new HashMap<>();
        URI root = new PathMatchingResourcePatternResolver().getResource(LOCATION).getURI();
        for (Resource resource : new PathMatchingResourcePatternResolver().getResources(LOCATION + "**/*")) {
            if (!resource.isReadable() || resource.getFilename() == null || resource.getFilename().isEmpty()) {
                continue;
            }
            String path = resource.getURI().toString();
            String rootText = root.toString();
            if (!path.startsWith(rootText)) {
                continue;
            }
            byte[] body;
            try (InputStream in = resource.getInputStream()) {
                body = in.readAllBytes();
            }
            MediaType type = MediaTypeFactory.getMediaType(resource).orElse(MediaType.APPLICATION_OCTET_STREAM);
            assets.put("/" + path.substring(rootText.length()), new Asset(body, type, etag(body)));
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
