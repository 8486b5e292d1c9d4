package io.keyhook.server.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.keyhook.api.account.Role;
import io.keyhook.server.infra.KeyhookProperties;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.UUID;

/** Issues the login tokens (RS256 JWTs) that {@link SecurityConfig} verifies. */
@Component
public class TokenIssuer {

    static final String ISSUER = "keyhook";
    static final String ORGANIZATION_CLAIM = "org";
    static final String ROLE_CLAIM = "role";

    private final JwtSigningKey key;
    private final KeyhookProperties properties;
    private final Clock clock;

    public TokenIssuer(JwtSigningKey key, KeyhookProperties properties, Clock clock) {
        this.key = key;
        this.properties = properties;
        this.clock = clock;
    }

    public IssuedToken issue(String userId, String organizationId, Role role) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant expiresAt = now.plus(properties.auth().tokenTtl());
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(userId)
                .claim(ORGANIZATION_CLAIM, organizationId)
                .claim(ROLE_CLAIM, role.value())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(expiresAt))
                .jwtID(UUID.randomUUID().toString())
                .build();
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.privateKey().getKeyID())
                .type(JOSEObjectType.JWT).build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(new RSASSASigner(key.privateKey()));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
        return new IssuedToken(jwt.serialize(), expiresAt);
    }
}
