package io.keyhook.server.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.test.StepVerifier;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class CachingJwtDecoderTest {

    private final AtomicInteger verifications = new AtomicInteger();

    private final RSAKey key;
    private final ReactiveJwtDecoder counting;
    private final Instant expiry = Instant.now().plusSeconds(120);

    CachingJwtDecoderTest() throws Exception {
        key = new RSAKeyGenerator(2048).generate();
        ReactiveJwtDecoder nimbus = NimbusReactiveJwtDecoder.withPublicKey(key.toRSAPublicKey()).build();
        counting = token -> {
            verifications.incrementAndGet();
            return nimbus.decode(token);
        };
    }

    private String token() throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256),
                new JWTClaimsSet.Builder().subject("user-1").expirationTime(Date.from(expiry)).build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    @Test
    void aVerifiedTokenIsServedFromMemoryUntilItExpires() throws Exception {
        String token = token();
        CachingJwtDecoder beforeExpiry = new CachingJwtDecoder(counting, new MutableClock(expiry.minusSeconds(60)));

        StepVerifier.create(beforeExpiry.decode(token)).assertNext(decoded -> assertThat(decoded.getSubject()).isEqualTo("user-1"))
                .verifyComplete();
        StepVerifier.create(beforeExpiry.decode(token)).expectNextCount(1).verifyComplete();
        assertThat(verifications).hasValue(1);

        String forged = token.substring(0, token.lastIndexOf('.') + 1) + "c2lnbmF0dXJl";
        StepVerifier.create(beforeExpiry.decode(forged)).expectError().verify();
        assertThat(verifications).hasValue(2);
    }

    @Test
    void anExpiredEntryIsVerifiedAgain() throws Exception {
        String token = token();
        MutableClock clock = new MutableClock(expiry.minusSeconds(60));
        CachingJwtDecoder decoder = new CachingJwtDecoder(counting, clock);

        StepVerifier.create(decoder.decode(token)).expectNextCount(1).verifyComplete();
        clock.now = expiry.plusSeconds(1);
        decoder.decode(token).onErrorComplete().block();

        assertThat(verifications).hasValue(2);
    }

    static final class MutableClock extends Clock {
        volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
