package io.keyhook.webhook.signing;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretCipherTest {

    private final SecureRandom random = new SecureRandom();
    private final byte[] key = new byte[32];
    private final SecretCipher cipher;

    SecretCipherTest() {
        random.nextBytes(key);
        cipher = new SecretCipher(key, random);
    }

    @Test
    void roundTripsWithoutShowingTheSecret() {
        String secret = WebhookSignature.newSecret(random);

        String sealed = cipher.encrypt(secret, "sub-1");

        assertThat(sealed).startsWith("v1.").doesNotContain(secret).doesNotContain(secret.substring(6));
        assertThat(cipher.encrypt(secret, "sub-1")).isNotEqualTo(sealed);
        assertThat(cipher.decrypt(sealed, "sub-1")).isEqualTo(secret);
    }

    @Test
    void aCiphertextIsBoundToItsSubscriptionAndKey() {
        String sealed = cipher.encrypt("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "sub-1");
        byte[] otherKey = key.clone();
        otherKey[0] ^= 1;

        assertThatThrownBy(() -> cipher.decrypt(sealed, "sub-2")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new SecretCipher(otherKey, random).decrypt(sealed, "sub-1"))
                .isInstanceOf(IllegalStateException.class);
    }
}
