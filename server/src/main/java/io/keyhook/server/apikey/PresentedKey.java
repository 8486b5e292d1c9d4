package io.keyhook.server.apikey;

import io.keyhook.command.apikey.ApiKeyFormat;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;

import java.util.List;
import java.util.Optional;

/**
 * Where a request may carry a key: {@code X-API-Key}, {@code Authorization: Bearer kh_...}, or, only
 * when enabled, {@code ?api_key=}. A Bearer value that is not a Keyhook key is a login token.
 */
public final class PresentedKey {

    public static final String HEADER = "X-API-Key";
    public static final String QUERY_PARAM = "api_key";
    private static final String BEARER = "Bearer ";

    private PresentedKey() {
    }

    static Optional<String> from(ServerHttpRequest request, boolean allowQueryParam) {
        String header = request.getHeaders().getFirst(HEADER);
        if (header != null) {
            return Optional.of(header.strip());
        }
        String bearer = bearerValue(request);
        if (bearer != null && ApiKeyFormat.looksLikeKey(bearer)) {
            return Optional.of(bearer);
        }
        if (allowQueryParam) {
            return Optional.ofNullable(request.getQueryParams().getFirst(QUERY_PARAM));
        }
        return Optional.empty();
    }

    /**
     * Whether the request carries more than one credential: a key and a login token, two keys, or one
     * header twice. Which one counts would be a guess, and one of them could pass unchecked.
     */
    static boolean isAmbiguous(ServerHttpRequest request, boolean allowQueryParam) {
        HttpHeaders headers = request.getHeaders();
        int credentials = headers.getOrEmpty(HttpHeaders.AUTHORIZATION).size() + headers.getOrEmpty(HEADER).size();
        if (allowQueryParam) {
            credentials += request.getQueryParams().getOrDefault(QUERY_PARAM, List.of()).size();
        }
        return credentials > 1;
    }

    public static boolean isKeyBearer(ServerHttpRequest request) {
        String bearer = bearerValue(request);
        return bearer != null && ApiKeyFormat.looksLikeKey(bearer);
    }

    private static String bearerValue(ServerHttpRequest request) {
        String authorization = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        return authorization.substring(BEARER.length()).strip();
    }
}
