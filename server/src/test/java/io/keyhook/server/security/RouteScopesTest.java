package io.keyhook.server.security;

import io.keyhook.api.apikey.Scope;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.http.HttpMethod;

import static org.assertj.core.api.Assertions.assertThat;

class RouteScopesTest {

    @ParameterizedTest
    @CsvSource({
            "GET, /api/v1/items, items:read",
            "GET, /api/v1/items/42, items:read",
            "POST, /api/v1/items, items:write",
            "PUT, /api/v1/items/42, items:write",
            "POST, /api/v1/items/42/stock, items:write",
            "DELETE, /api/v1/items/42, items:delete",
            "GET, /api/v1/api-keys/7/usage, keys:read",
            "POST, /api/v1/api-keys/7/rotate, keys:write",
            "DELETE, /api/v1/api-keys/7, keys:write",
            "GET, /api/v1/webhooks, webhooks:read",
            "POST, /api/v1/webhooks/3/test, webhooks:write",
            "GET, /api/v1/deliveries/9, webhooks:read",
            "POST, /api/v1/deliveries/9/redeliver, webhooks:write",
            "POST, /api/v1/users, admin",
            "POST, /api/v1/admin/replays, admin",
    })
    void eachResourceAndMethodNeedsItsScope(String method, String path, String scope) {
        assertThat(RouteScopes.required(HttpMethod.valueOf(method), path)).contains(Scope.of(scope));
    }

    @ParameterizedTest
    @CsvSource({"GET, /api/v1/auth/me", "GET, /api/v1/webhooks/event-types", "GET, /api/v1/itemsx", "GET, /actuator/health"})
    void someRoutesNeedNoScope(String method, String path) {
        assertThat(RouteScopes.required(HttpMethod.valueOf(method), path)).isEmpty();
    }
}
