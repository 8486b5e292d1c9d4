package io.keyhook.server.account;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import io.keyhook.server.Api;
import io.keyhook.server.Api.Session;
import io.keyhook.server.KeyhookAppTest;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class AccountFlowTest extends KeyhookAppTest {

    @Test
    void signupThenLoginThenMe() {
        Session admin = api.signup("Acme Hardware");

        JsonNode login = api.http().post().uri("/api/v1/auth/login").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", admin.email().toUpperCase(), "password", "correct horse"))
                .exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(login.get("expiresAt").asText()).isNotBlank();
        Session loggedIn = new Session(admin.organizationId(), admin.userId(), admin.email(), login.get("token").asText());

        api.get(loggedIn, "/api/v1/auth/me").expectStatus().isOk().expectBody()
                .jsonPath("$.organizationId").isEqualTo(admin.organizationId())
                .jsonPath("$.organizationName").isEqualTo("Acme Hardware")
                .jsonPath("$.userId").isEqualTo(admin.userId())
                .jsonPath("$.email").isEqualTo(admin.email())
                .jsonPath("$.role").isEqualTo("admin")
                .jsonPath("$.authenticatedBy").isEqualTo("jwt")
                .jsonPath("$.scopes.length()").isEqualTo(8);
    }

    @Test
    void aSecondSignupWithTheSameEmailIsAConflict() {
        Session first = api.signup("First");

        api.http().post().uri("/api/v1/auth/signup").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("organization", "Second", "email", first.email(), "password", "another pass"))
                .exchange()
                .expectStatus().isEqualTo(409)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("urn:keyhook:problem:email-taken");
    }

    @Test
    void concurrentSignupsWithOneEmailCreateOneAccount() {
        String email = Api.uniqueEmail("race");
        List<CompletableFuture<Integer>> attempts = IntStream.range(0, 4)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> api.http().post().uri("/api/v1/auth/signup")
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("organization", "Org " + i, "email", email, "password", "correct horse"))
                        .exchange()
                        .returnResult(String.class).getStatus().value()))
                .toList();

        List<Integer> statuses = attempts.stream().map(CompletableFuture::join).toList();

        assertThat(statuses).containsOnly(201, 409);
        assertThat(statuses).filteredOn(status -> status == 201).hasSize(1);
    }

    @Test
    void aWrongPasswordAndAnUnknownEmailGetTheSameAnswer() {
        Session admin = api.signup("Acme");
        for (Map<String, String> attempt : new Map[]{
                Map.of("email", admin.email(), "password", "wrong horse"),
                Map.of("email", Api.uniqueEmail("nobody"), "password", "correct horse")}) {
            api.http().post().uri("/api/v1/auth/login").contentType(MediaType.APPLICATION_JSON).bodyValue(attempt)
                    .exchange()
                    .expectStatus().isUnauthorized()
                    .expectHeader().valueMatches(HttpHeaders.WWW_AUTHENTICATE, "Bearer.*")
                    .expectBody().jsonPath("$.detail").isEqualTo("wrong email or password");
        }
    }

    @Test
    void anAdminAddsAMemberWhoCanLogInButNotAddUsers() {
        Session admin = api.signup("Acme");
        String memberEmail = Api.uniqueEmail("member");

        api.post(admin, "/api/v1/users", Map.of("email", memberEmail, "password", "member pass", "role", "member"))
                .expectStatus().isCreated()
                .expectBody()
                .jsonPath("$.organizationId").isEqualTo(admin.organizationId())
                .jsonPath("$.role").isEqualTo("member");

        JsonNode login = api.http().post().uri("/api/v1/auth/login").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", memberEmail, "password", "member pass"))
                .exchange().expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        Session member = new Session(admin.organizationId(), null, memberEmail, login.get("token").asText());

        api.get(member, "/api/v1/auth/me").expectStatus().isOk().expectBody()
                .jsonPath("$.role").isEqualTo("member")
                .jsonPath("$.scopes[?(@ == 'admin')]").doesNotExist();
        api.post(member, "/api/v1/users", Map.of("email", Api.uniqueEmail("x"), "password", "member pass", "role", "admin"))
                .expectStatus().isForbidden()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void anInvalidRoleIsNamedInTheProblem() {
        Session admin = api.signup("Acme");
        api.post(admin, "/api/v1/users", Map.of("email", Api.uniqueEmail("x"), "password", "member pass", "role", "owner"))
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("role");
    }

    @Test
    void tokensVerifyWithThePublishedKeySet() throws Exception {
        Session admin = api.signup("Acme");
        String jwks = api.http().get().uri("/.well-known/jwks.json").exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();

        JWKSet keys = JWKSet.parse(jwks);
        RSAKey published = (RSAKey) keys.getKeys().get(0);
        assertThat(published.isPrivate()).isFalse();
        SignedJWT token = SignedJWT.parse(admin.token());
        assertThat(token.getHeader().getKeyID()).isEqualTo(published.getKeyID());
        assertThat(token.verify(new RSASSAVerifier(published))).isTrue();
        assertThat(token.getJWTClaimsSet().getSubject()).isEqualTo(admin.userId());
    }
}
