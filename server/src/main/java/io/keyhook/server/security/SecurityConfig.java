package io.keyhook.server.security;

import io.keyhook.server.apikey.ApiKeyAuthenticationFilter;
import io.keyhook.server.apikey.PresentedKey;
import io.keyhook.server.web.ProblemWriter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import reactor.core.publisher.Mono;

import java.time.Clock;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;

/**
 * Stateless: every {@code /api/**} request but sign-up and login carries its credential, a login token
 * (JWT) or an API key. Everything
 * outside {@code /api} (console, API docs, JWKS, health) is public.
 */
@Configuration
public class SecurityConfig {

    @Bean
    SecurityWebFilterChain apiSecurity(ServerHttpSecurity http, ReactiveJwtDecoder jwtDecoder, ProblemWriter problems,
                                       ApiKeyAuthenticationFilter apiKeys) {
        var entryPoint = new ProblemAuthenticationEntryPoint(problems);
        var deniedHandler = new ProblemAccessDeniedHandler(problems);
        return http
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                // Nothing to return to after a login page: no saved request, so no WebSession per request.
                .requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
                .authorizeExchange(exchanges -> exchanges
                        .pathMatchers(HttpMethod.POST, "/api/v1/auth/signup", "/api/v1/auth/login").permitAll()
                        .pathMatchers("/api/**").access(new RouteAuthorization())
                        .anyExchange().permitAll())
                .addFilterBefore(apiKeys::filter, SecurityWebFiltersOrder.AUTHENTICATION)
                .oauth2ResourceServer(resourceServer -> resourceServer
                        .bearerTokenConverter(loginTokensOnly())
                        .jwt(jwt -> jwt.jwtDecoder(jwtDecoder).jwtAuthenticationConverter(new JwtCallerConverter()))
                        .authenticationEntryPoint(entryPoint)
                        .accessDeniedHandler(deniedHandler))
                .exceptionHandling(handling -> handling
                        .authenticationEntryPoint(entryPoint)
                        .accessDeniedHandler(deniedHandler))
                .build();
    }

    /**
     * No tracing backend is configured: wrapping every security filter, authentication and
     * authorization in an observation costs time on every request and reports nothing.
     */
    @Bean
    static SecurityObservationSettings noSecurityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    /**
     * A request the firewall refuses (an encoded slash, backslash, NUL or period in the path, a
     * {@code ;}, {@code //} or {@code ..}, a method it does not know) goes on as an error, so it
     * becomes a problem like every other failure instead of a bare 400.
     */
    @Bean
    ServerExchangeRejectedHandler rejectedAsError() {
        return (exchange, rejected) -> Mono.error(rejected);
    }

    /** A Bearer value that is an API key is for the API-key filter, not the JWT decoder. */
    private static ServerAuthenticationConverter loginTokensOnly() {
        ServerBearerTokenAuthenticationConverter bearer = new ServerBearerTokenAuthenticationConverter();
        return exchange -> PresentedKey.isKeyBearer(exchange.getRequest()) ? Mono.empty() : bearer.convert(exchange);
    }

    @Bean
    ReactiveJwtDecoder jwtDecoder(JwtSigningKey key, Clock clock) {
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withPublicKey(key.publicKey())
                .signatureAlgorithm(SignatureAlgorithm.RS256)
                .build();
        decoder.setJwtValidator(JwtValidators.createDefaultWithIssuer(TokenIssuer.ISSUER));
        return new CachingJwtDecoder(decoder, clock);
    }
}
