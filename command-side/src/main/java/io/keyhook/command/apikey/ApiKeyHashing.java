package io.keyhook.command.apikey;

import java.util.Arrays;
import java.util.Locale;

/** How new keys are stored: {@code hmac} (default) or a slow password hash for policies that demand one. */
public enum ApiKeyHashing {
    HMAC, ARGON2ID, BCRYPT;

    public static ApiKeyHashing of(String value) {
        return Arrays.stream(values())
                .filter(mode -> mode.name().equalsIgnoreCase(value))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("hashing must be one of: hmac, argon2id, bcrypt"));
    }

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }
}
