package io.keyhook.server.security;

import io.keyhook.api.account.Role;
import io.keyhook.api.apikey.Scope;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.jwt.Jwt;
import reactor.core.publisher.Mono;

/** A verified login token becomes a {@link Caller} holding every scope its role allows. */
class JwtCallerConverter implements Converter<Jwt, Mono<AbstractAuthenticationToken>> {

    @Override
    public Mono<AbstractAuthenticationToken> convert(Jwt jwt) {
        String organizationId = jwt.getClaimAsString(TokenIssuer.ORGANIZATION_CLAIM);
        String role = jwt.getClaimAsString(TokenIssuer.ROLE_CLAIM);
        if (organizationId == null || role == null || jwt.getSubject() == null) {
            return Mono.error(new OAuth2AuthenticationException(new OAuth2Error("invalid_token",
                    "the token lacks the claims of a Keyhook login", null)));
        }
        Role parsed = Role.of(role);
        return Mono.just(new CallerAuthentication(new Caller(organizationId, jwt.getSubject(), parsed, Caller.BY_JWT,
                null, Scope.allowedFor(parsed))));
    }
}
