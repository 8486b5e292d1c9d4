package io.keyhook.server.apikey;

import io.keyhook.api.apikey.Scope;
import org.springframework.http.HttpMethod;

import java.util.Optional;

/**
 * The scope a key needs for a request, by resource and method, checked before the request is served
 * so that the audit records a missing scope as the reason of a denial. Controllers check again.
 */
public final class RouteScopes {

    private static final String BASE = "/api/v1/";

    private RouteScopes() {
    }

    public static Optional<Scope> required(HttpMethod method, String path) {
        if (!path.startsWith(BASE)) {
            return Optional.empty();
        }
        String resource = path.substring(BASE.length());
        boolean read = isRead(method);
        if (is(resource, "items")) {
            return Optional.of(read ? Scope.ITEMS_READ : method == HttpMethod.DELETE ? Scope.ITEMS_DELETE : Scope.ITEMS_WRITE);
        }
        if (is(resource, "api-keys")) {
            return Optional.of(read ? Scope.KEYS_READ : Scope.KEYS_WRITE);
        }
        if (resource.equals("webhooks/event-types")) {
            return Optional.empty();
        }
        if (is(resource, "webhooks") || is(resource, "deliveries")) {
            return Optional.of(read ? Scope.WEBHOOKS_READ : Scope.WEBHOOKS_WRITE);
        }
        if (is(resource, "users") || is(resource, "admin")) {
            return Optional.of(Scope.ADMIN);
        }
        return Optional.empty();
    }

    public static boolean isRead(HttpMethod method) {
        return method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS;
    }

    private static boolean is(String resource, String name) {
        return resource.equals(name) || resource.startsWith(name + "/");
    }
}
