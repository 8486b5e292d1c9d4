package io.keyhook.command.apikey;

import io.keyhook.api.apikey.Environment;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiKeyHasherTest {

    private static final byte[] PEPPER = new byte[32];
    private final SecureRandom random = new SecureRandom();

    static {
        Arrays.fill(PEPPER, (byte) 7);
    }

    @Test
    void hmacModeLooksUpByThePepperedDigest() {
        ApiKeyHasher hasher = new ApiKeyHasher(PEPPER, ApiKeyHashing.HMAC, random);
        ApiKeyFormat.GeneratedKey key = ApiKeyFormat.generate(Environment.LIVE, random);

        ApiKeyHasher.StoredKey stored = hasher.store(key);

        assertThat(stored.verifier()).isNull();
        assertThat(stored.lookup()).isEqualTo(hasher.digest(key.plaintext())).hasSize(43).doesNotContain(key.plaintext());
        byte[] otherPepper = PEPPER.clone();
        otherPepper[0] = 8;
        assertThat(new ApiKeyHasher(otherPepper, ApiKeyHashing.HMAC, random).digest(key.plaintext()))
                .isNotEqualTo(stored.lookup());
    }

    @Test
    void argon2idModeLooksUpByPrefixAndVerifiesTheSlowHash() {
        ApiKeyHasher hasher = new ApiKeyHasher(PEPPER, ApiKeyHashing.ARGON2ID, random);
        ApiKeyFormat.GeneratedKey key = ApiKeyFormat.generate(Environment.LIVE, random);

        ApiKeyHasher.StoredKey stored = hasher.store(key);

        assertThat(stored.lookup()).isEqualTo(key.prefix());
        assertThat(stored.verifier()).startsWith("$argon2id$");
        assertThat(hasher.verify(hasher.digest(key.plaintext()), stored.verifier())).isTrue();
        String other = ApiKeyFormat.generate(Environment.LIVE, random).plaintext();
        assertThat(hasher.verify(hasher.digest(other), stored.verifier())).isFalse();
    }

    @Test
    void bcryptModeVerifiesTheSlowHash() {
        ApiKeyHasher hasher = new ApiKeyHasher(PEPPER, ApiKeyHashing.BCRYPT, random);
        ApiKeyFormat.GeneratedKey key = ApiKeyFormat.generate(Environment.TEST, random);

        ApiKeyHasher.StoredKey stored = hasher.store(key);

        assertThat(stored.verifier()).startsWith("$2b$10$");
        assertThat(hasher.verify(hasher.digest(key.plaintext()), stored.verifier())).isTrue();
        assertThat(hasher.verify(hasher.digest(key.plaintext() + "x"), stored.verifier())).isFalse();
    }

    @Test
    void refusesAShortPepper() {
        assertThatThrownBy(() -> new ApiKeyHasher(new byte[16], ApiKeyHashing.HMAC, random))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
