package io.keyhook.webhook.signing;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * AES-256-GCM for signing secrets at rest: {@code v1.<base64(nonce | ciphertext | tag)>}. The
 * subscription id is bound as associated data, so a ciphertext copied to another subscription
 * does not decrypt.
 */
public class SecretCipher {

    private static final String VERSION = "v1.";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random;

    public SecretCipher(byte[] key, SecureRandom random) {
        if (key.length != 32) {
            throw new IllegalArgumentException("the webhook secret encryption key must be 32 bytes");
        }
        this.key = new SecretKeySpec(key.clone(), "AES");
        this.random = random;
    }

    public String encrypt(String secret, String subscriptionId) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] sealed = run(Cipher.ENCRYPT_MODE, nonce, subscriptionId, secret.getBytes(StandardCharsets.UTF_8));
        return VERSION + Base64.getEncoder().encodeToString(ByteBuffer.allocate(nonce.length + sealed.length)
                .put(nonce).put(sealed).array());
    }

    public String decrypt(String encrypted, String subscriptionId) {
        if (encrypted == null || !encrypted.startsWith(VERSION)) {
            throw new IllegalArgumentException("not an encrypted webhook secret");
        }
        byte[] all = Base64.getDecoder().decode(encrypted.substring(VERSION.length()));
        byte[] nonce = new byte[NONCE_BYTES];
        System.arraycopy(all, 0, nonce, 0, NONCE_BYTES);
        byte[] sealed = new byte[all.length - NONCE_BYTES];
        System.arraycopy(all, NONCE_BYTES, sealed, 0, sealed.length);
        return new String(run(Cipher.DECRYPT_MODE, nonce, subscriptionId, sealed), StandardCharsets.UTF_8);
    }

    private byte[] run(int mode, byte[] nonce, String subscriptionId, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(subscriptionId.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot " + (mode == Cipher.ENCRYPT_MODE ? "encrypt" : "decrypt")
                    + " a webhook secret (wrong key?)", e);
        }
    }
}
