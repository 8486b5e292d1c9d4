package io.keyhook.api.account;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;

/**
 * A user's id is derived from the normalized email: the User aggregate stream then doubles as the
 * email's uniqueness claim, race-free on any event store, without a lookup table.
 */
public final class UserIds {

    private UserIds() {
    }

    public static String normalizeEmail(String email) {
        return email.trim().toLowerCase(Locale.ROOT);
    }

    public static String forEmail(String email) {
        byte[] key = ("keyhook:user:" + normalizeEmail(email)).getBytes(StandardCharsets.UTF_8);
        return UUID.nameUUIDFromBytes(key).toString();
    }
}
