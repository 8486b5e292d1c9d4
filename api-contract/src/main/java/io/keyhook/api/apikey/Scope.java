package io.keyhook.api.apikey;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.keyhook.api.account.Role;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/** What a caller may do. A user holds every scope its role allows; a key holds a subset of its creator's. */
public enum Scope {
    ITEMS_READ("items:read"),
    ITEMS_WRITE("items:write"),
    ITEMS_DELETE("items:delete"),
    WEBHOOKS_READ("webhooks:read"),
    WEBHOOKS_WRITE("webhooks:write"),
    KEYS_READ("keys:read"),
    KEYS_WRITE("keys:write"),
    ADMIN("admin");

    private final String value;

    Scope(String value) {
        this.value = value;
    }

    @JsonValue
    public String value() {
        return value;
    }

    public static Optional<Scope> parse(String value) {
        return Arrays.stream(values()).filter(scope -> scope.value.equals(value)).findFirst();
    }

    @JsonCreator
    public static Scope of(String value) {
        return parse(value).orElseThrow(() -> new IllegalArgumentException("unknown scope: " + value));
    }

    public static Set<Scope> allowedFor(Role role) {
        return role == Role.ADMIN ? EnumSet.allOf(Scope.class) : EnumSet.complementOf(EnumSet.of(ADMIN));
    }
}
