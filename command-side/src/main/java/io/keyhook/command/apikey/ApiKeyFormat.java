package io.keyhook.command.apikey;

import io.keyhook.api.apikey.Environment;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * {@code kh_<env>_<locator 8><secret 32><checksum 6>}, all base62 after the environment. The locator
 * is random too; with the {@code kh_<env>_} part it forms the key's visible prefix, shown in lists and
 * audit trails and used to find the row when keys are stored under a slow hash. The checksum is the
 * CRC32 of everything before it, so a mistyped or truncated key is refused before any lookup and
 * secret scanners can tell a real key from noise.
 */
public final class ApiKeyFormat {

    public static final String PREFIX = "kh_";
    static final int LOCATOR_LENGTH = 8;
    static final int SECRET_LENGTH = 32;
    static final int CHECKSUM_LENGTH = 6;
    private static final int BODY_LENGTH = LOCATOR_LENGTH + SECRET_LENGTH + CHECKSUM_LENGTH;

    private ApiKeyFormat() {
    }

    public record GeneratedKey(String plaintext, String prefix) {
        @Override
        public String toString() {
            return "GeneratedKey[prefix=" + prefix + "]";
        }
    }

    public static GeneratedKey generate(Environment environment, SecureRandom random) {
        String head = PREFIX + environment.value() + "_" + Base62.random(random, LOCATOR_LENGTH + SECRET_LENGTH);
        return new GeneratedKey(head + checksum(head), head.substring(0, envLength(environment) + LOCATOR_LENGTH));
    }

    /** Whether the value looks like a Keyhook key at all (the rest of the checks decide if it is a good one). */
    public static boolean looksLikeKey(String value) {
        return value != null && value.startsWith(PREFIX);
    }

    /** The key's environment and visible prefix when format and checksum are right; empty otherwise. */
    public static Optional<Parsed> parse(String presented) {
        if (presented == null) {
            return Optional.empty();
        }
        for (Environment environment : Environment.values()) {
            int head = envLength(environment);
            if (presented.length() == head + BODY_LENGTH
                    && presented.startsWith(PREFIX + environment.value() + "_")
                    && Base62.isBase62(presented, head, presented.length())
                    && checksumMatches(presented, head + LOCATOR_LENGTH + SECRET_LENGTH)) {
                return Optional.of(new Parsed(environment, presented.substring(0, head + LOCATOR_LENGTH)));
            }
        }
        return Optional.empty();
    }

    /**
     * What of a presented value may be written to an audit trail: at most the length of a visible
     * prefix, so even a mistyped real key never lands in the event store whole.
     */
    public static String presentedPrefix(String presented) {
        if (presented == null || presented.isEmpty()) {
            return "";
        }
        int visible = Math.min(presented.length(), PREFIX.length() + "live_".length() + LOCATOR_LENGTH);
        StringBuilder safe = new StringBuilder(visible);
        for (int i = 0; i < visible; i++) {
            char c = presented.charAt(i);
            safe.append(c >= 0x21 && c < 0x7f ? c : '?');
        }
        return safe.toString();
    }

    public record Parsed(Environment environment, String prefix) {
    }

    private static int envLength(Environment environment) {
        return PREFIX.length() + environment.value().length() + 1;
    }

    private static boolean checksumMatches(String presented, int checksumStart) {
        byte[] expected = checksum(presented.substring(0, checksumStart)).getBytes(StandardCharsets.US_ASCII);
        byte[] actual = presented.substring(checksumStart).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, actual);
    }

    private static String checksum(String head) {
        CRC32 crc = new CRC32();
        crc.update(head.getBytes(StandardCharsets.US_ASCII));
        return Base62.fixedWidth(crc.getValue(), CHECKSUM_LENGTH);
    }
}
