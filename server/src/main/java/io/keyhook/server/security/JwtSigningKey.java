package io.keyhook.server.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.keyhook.server.infra.KeyhookProperties;
import io.keyhook.server.infra.SecretFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.util.UUID;

/**
 * The RS256 key that signs login tokens: generated on first start and kept in a file that only the
 * server's user can read, so tokens survive a restart. Instances that share one key file accept each
 * other's tokens.
 */
@Component
public class JwtSigningKey {

    private static final Logger log = LoggerFactory.getLogger(JwtSigningKey.class);

    private final RSAKey key;

    public JwtSigningKey(KeyhookProperties properties) {
        this.key = loadOrCreate(properties.jwtKeyFile());
    }

    RSAKey privateKey() {
        return key;
    }

    public RSAPublicKey publicKey() {
        try {
            return key.toRSAPublicKey();
        } catch (JOSEException e) {
            throw new IllegalStateException("the JWT signing key is not an RSA key", e);
        }
    }

    public JWKSet publicKeys() {
        return new JWKSet(key.toPublicJWK());
    }

    private static RSAKey loadOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                return RSAKey.parse(Files.readString(file, StandardCharsets.UTF_8));
            }
            RSAKey created = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString())
                    .keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).generate();
            SecretFiles.writePrivately(file, created.toJSONString());
            log.info("Generated a new JWT signing key in {}", file.toAbsolutePath());
            return created;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the JWT signing key " + file.toAbsolutePath(), e);
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException("the JWT signing key in " + file.toAbsolutePath() + " is not usable", e);
        }
    }
}
