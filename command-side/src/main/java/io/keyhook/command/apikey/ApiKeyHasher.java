package io.keyhook.command.apikey;

import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Turns a key into its stored form. Every key has a peppered HMAC-SHA-256 digest: without the pepper,
 * which lives outside the database, a stolen read model cannot be brute-forced, and the digest of a
 * key with 190 random bits needs no salt or stretching. With {@code HMAC} (default) the digest is the
 * lookup value itself. With {@code ARGON2ID} or {@code BCRYPT} the lookup value is the key's visible
 * prefix and the verifier is a slow hash of the digest (so the pepper still applies).
 */
public class ApiKeyHasher {

    public record StoredKey(String lookup, String verifier) {
    }

    private static final String HMAC_SHA256 = "HmacSHA256";
    private static final int BCRYPT_COST = 10;

    private final SecretKeySpec pepper;
    private final ApiKeyHashing hashing;
    private final SecureRandom random;
    private final ThreadLocal<Mac> macs;
    private final Argon2PasswordEncoder argon2 = Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8();

    public ApiKeyHasher(byte[] pepper, ApiKeyHashing hashing, SecureRandom random) {
        if (pepper.length < 32) {
            throw new IllegalArgumentException("the API key pepper must be at least 32 bytes");
        }
        this.pepper = new SecretKeySpec(pepper.clone(), HMAC_SHA256);
        this.hashing = hashing;
        this.random = random;
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    public ApiKeyHashing hashing() {
        return hashing;
    }

    public StoredKey store(ApiKeyFormat.GeneratedKey key) {
        String digest = digest(key.plaintext());
        return switch (hashing) {
            case HMAC -> new StoredKey(digest, null);
            case ARGON2ID -> new StoredKey(key.prefix(), argon2.encode(digest));
            case BCRYPT -> new StoredKey(key.prefix(), bcrypt(digest));
        };
    }

    /** The peppered HMAC-SHA-256 of a key, base64url: the lookup value of keys stored with {@code HMAC}. */
    public String digest(String key) {
        byte[] mac = macs.get().doFinal(key.getBytes(StandardCharsets.US_ASCII));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac);
    }

    /** Checks a presented key against a slow-hash verifier (constant-time inside both libraries). */
    public boolean verify(String presentedDigest, String verifier) {
        if (verifier.startsWith("$argon2")) {
            return argon2.matches(presentedDigest, verifier);
        }
        if (verifier.startsWith("$2")) {
            return OpenBSDBCrypt.checkPassword(verifier, presentedDigest.toCharArray());
        }
        return false;
    }

    public static boolean digestsEqual(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }

    private String bcrypt(String digest) {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        return OpenBSDBCrypt.generate("2b", digest.toCharArray(), salt, BCRYPT_COST);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(HMAC_SHA256);
            mac.init(pepper);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA-256 is not available", e);
        }
    }
}
