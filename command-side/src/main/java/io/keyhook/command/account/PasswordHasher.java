package io.keyhook.command.account;

import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;

/**
 * Argon2id (BouncyCastle, through Spring Security's encoder) with OWASP-level parameters:
 * 16 MiB memory, 2 iterations, parallelism 1, 16-byte salt, 32-byte hash, PHC string format.
 */
public class PasswordHasher {

    private final Argon2PasswordEncoder encoder = Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8();
    private final String decoy = encoder.encode("keyhook-decoy-password");

    public String hash(String password) {
        return encoder.encode(password);
    }

    public boolean matches(String password, String hash) {
        return encoder.matches(password, hash);
    }

    /** Spends the same time as a real check, so an unknown email cannot be told apart by timing. */
    public void burnComparableTime(String password) {
        encoder.matches(password, decoy);
    }
}
