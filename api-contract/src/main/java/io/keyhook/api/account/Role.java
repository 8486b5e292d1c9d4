package io.keyhook.api.account;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;

public enum Role {
    ADMIN, MEMBER;

    @JsonValue
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Role of(String value) {
        return Arrays.stream(values())
                .filter(role -> role.value().equals(value))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("role must be one of: admin, member"));
    }
}
