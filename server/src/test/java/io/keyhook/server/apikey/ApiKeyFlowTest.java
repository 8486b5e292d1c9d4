package io.keyhook.server.apikey;

import com.fasterxml.jackson.databind.JsonNode;
import io.keyhook.server.Api;
import io.keyhook.server.Api.KeyClient;
import io.keyhook.server.Api.Session;
import io.keyhook.server.KeyhookAppTest;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ApiKeyFlowTest extends KeyhookAppTest {

    private static final String ITEMS = "/api/v1/items";

    private JsonNode issue(Session session, List<String> scopes) {
        return api.issueKey(session, Map.of("name", "script", "scopes", scopes));
    }

    @Test
    void theKeyIsShownOnceAndOnlyMetadataAfterwards() {
        Session admin = api.signup("Acme");

        JsonNode issued = api.issueKey(admin, Map.of("name", "spreadsheet", "scopes", List.of("items:read"),
                "environment", "test"));

        String key = issued.get("key").asText();
        assertThat(key).matches("kh_test_[0-9A-Za-z]{46}");
        assertThat(issued.get("prefix").asText()).isEqualTo(key.substring(0, 16));
        assertThat(issued.get("status").asText()).isEqualTo("active");
        String id = issued.get("id").asText();
        String shown = api.get(admin, "/api/v1/api-keys/" + id).expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        String listed = api.get(admin, "/api/v1/api-keys").expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(shown).contains("\"name\":\"spreadsheet\"").contains("\"environment\":\"test\"")
                .doesNotContain(key).doesNotContain(key.substring(16)).doesNotContain("lookup").doesNotContain("verifier");
        assertThat(listed).contains(id).doesNotContain(key.substring(16)).doesNotContain("lookup");
    }

    @Test
    void bothHeadersAuthenticateAndMeTellsTheKey() {
        Session admin = api.signup("Acme");
        JsonNode issued = issue(admin, List.of("items:read", "keys:read"));
        KeyClient client = api.withKey(issued.get("key").asText());

        client.get("/api/v1/auth/me").expectStatus().isOk().expectBody()
                .jsonPath("$.authenticatedBy").isEqualTo("api_key")
                .jsonPath("$.keyId").isEqualTo(issued.get("id").asText())
                .jsonPath("$.organizationId").isEqualTo(admin.organizationId())
                .jsonPath("$.scopes.length()").isEqualTo(2);
        client.getAsBearer(ITEMS).expectStatus().isOk()
                .expectHeader().valueEquals("X-RateLimit-Limit", "100")
                .expectHeader().exists("X-RateLimit-Remaining")
                .expectHeader().exists("X-RateLimit-Reset");
    }

    @Test
    void theQueryParameterIsRefusedUnlessEnabled() {
        Session admin = api.signup("Acme");
        String key = issue(admin, List.of("items:read")).get("key").asText();

        api.http().get().uri(ITEMS + "?api_key=" + key).exchange().expectStatus().isUnauthorized();
    }

    @Test
    void aMalformedOrMistypedKeyIsA401WithAChallenge() {
        Session admin = api.signup("Acme");
        String key = issue(admin, List.of("items:read")).get("key").asText();
        char last = key.charAt(key.length() - 1);
        String typo = key.substring(0, key.length() - 1) + (last == 'a' ? 'b' : 'a');

        api.withKey(typo).get(ITEMS).expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().value(HttpHeaders.WWW_AUTHENTICATE, challenge -> assertThat(challenge).contains("invalid_token"))
                .expectBody()
                .jsonPath("$.type").isEqualTo("urn:keyhook:problem:invalid-api-key")
                .jsonPath("$.reason").isEqualTo("malformed");
        api.withKey("kh_live_nope").get(ITEMS).expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.reason").isEqualTo("malformed");
    }

    @Test
    void aKeyNobodyIssuedIsUnknown() {
        Session admin = api.signup("Acme");
        String issued = issue(admin, List.of("items:read")).get("key").asText();
        String wellFormedStranger = io.keyhook.command.apikey.ApiKeyFormat.generate(
                io.keyhook.api.apikey.Environment.LIVE, new java.security.SecureRandom()).plaintext();

        api.withKey(wellFormedStranger).get(ITEMS).expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.reason").isEqualTo("unknown_key");
        api.withKey(issued).get(ITEMS).expectStatus().isOk();
    }

    @Test
    void aMissingScopeIsA403NamingIt() {
        Session admin = api.signup("Acme");
        KeyClient reader = api.withKey(issue(admin, List.of("items:read")).get("key").asText());

        reader.post(ITEMS, Map.of("name", "Bolt", "quantity", 1)).expectStatus().isForbidden()
                .expectBody()
                .jsonPath("$.type").isEqualTo("urn:keyhook:problem:missing-scope")
                .jsonPath("$.requiredScope").isEqualTo("items:write")
                .jsonPath("$.reason").isEqualTo("missing_scope");
        reader.delete(ITEMS + "/any").expectStatus().isForbidden()
                .expectBody().jsonPath("$.requiredScope").isEqualTo("items:delete");
        reader.get("/api/v1/api-keys").expectStatus().isForbidden()
                .expectBody().jsonPath("$.requiredScope").isEqualTo("keys:read");
        api.get(admin, ITEMS).expectStatus().isOk();
    }

    @Test
    void scopesAreCappedByTheCreator() {
        Session admin = api.signup("Acme");
        api.post(admin, "/api/v1/users", Map.of("email", Api.uniqueEmail("member"), "password", "member pass 1",
                "role", "member")).expectStatus().isCreated();
        Session member = login(admin, "member");

        api.post(member, "/api/v1/api-keys", Map.of("name", "too much", "scopes", List.of("items:read", "admin")))
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("admin"));
        api.issueKey(member, Map.of("name", "fine", "scopes", List.of("items:read")));

        KeyClient keyMaker = api.withKey(issue(admin, List.of("keys:write", "items:read")).get("key").asText());
        keyMaker.post("/api/v1/api-keys", Map.of("name", "wider", "scopes", List.of("items:write")))
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("items:write"));
        keyMaker.post("/api/v1/api-keys", Map.of("name", "narrower", "scopes", List.of("items:read")))
                .expectStatus().isCreated();
    }

    private Session login(Session admin, String who) {
        String email = Api.uniqueEmail(who);
        api.post(admin, "/api/v1/users", Map.of("email", email, "password", "member pass 2", "role", "member"))
                .expectStatus().isCreated();
        JsonNode body = api.http().post().uri("/api/v1/auth/login").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", email, "password", "member pass 2")).exchange()
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
        return new Session(admin.organizationId(), null, email, body.get("token").asText());
    }

    @Test
    void aRevokedKeyIsRefusedOnTheVeryNextRequest() {
        Session admin = api.signup("Acme");
        JsonNode issued = issue(admin, List.of("items:read"));
        KeyClient client = api.withKey(issued.get("key").asText());
        client.get(ITEMS).expectStatus().isOk();

        api.delete(admin, "/api/v1/api-keys/" + issued.get("id").asText()).expectStatus().isNoContent();

        client.get(ITEMS).expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.type").isEqualTo("urn:keyhook:problem:api-key-revoked");
        api.get(admin, "/api/v1/api-keys/" + issued.get("id").asText()).expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("revoked").jsonPath("$.revokedAt").exists();
        api.delete(admin, "/api/v1/api-keys/" + issued.get("id").asText()).expectStatus().isNoContent();
    }

    @Test
    void anExpiredKeyIsRefused() {
        Session admin = api.signup("Acme");
        JsonNode issued = api.issueKey(admin, Map.of("name", "short-lived", "scopes", List.of("items:read"),
                "expiresAt", Instant.now().plusSeconds(2).toString()));
        KeyClient client = api.withKey(issued.get("key").asText());
        client.get(ITEMS).expectStatus().isOk();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                client.get(ITEMS).expectStatus().isUnauthorized()
                        .expectBody().jsonPath("$.type").isEqualTo("urn:keyhook:problem:api-key-expired"));
        api.get(admin, "/api/v1/api-keys/" + issued.get("id").asText()).expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("expired");
    }

    @Test
    void theAllowlistAdmitsOnlyItsNetworks() {
        Session admin = api.signup("Acme");
        String key = api.issueKey(admin, Map.of("name", "office", "scopes", List.of("items:read"),
                "allowedIps", List.of("203.0.113.0/24", "2001:db8::/32"))).get("key").asText();

        api.withKey(key).from("203.0.113.9").get(ITEMS).expectStatus().isOk();
        api.withKey(key).from("2001:db8::7").get(ITEMS).expectStatus().isOk();
        api.withKey(key).from("198.51.100.1").get(ITEMS).expectStatus().isForbidden()
                .expectBody()
                .jsonPath("$.type").isEqualTo("urn:keyhook:problem:ip-not-allowed")
                .jsonPath("$.detail").isEqualTo("the key may not be used from 198.51.100.1");
    }

    @Test
    void rotationWithAGracePeriodKeepsBothSecretsWorking() {
        Session admin = api.signup("Acme");
        JsonNode issued = issue(admin, List.of("items:read"));
        String id = issued.get("id").asText();

        JsonNode rotated = api.post(admin, "/api/v1/api-keys/" + id + "/rotate", Map.of("gracePeriodSeconds", 3600))
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();

        assertThat(rotated.get("id").asText()).isEqualTo(id);
        assertThat(rotated.get("key").asText()).isNotEqualTo(issued.get("key").asText());
        assertThat(Instant.parse(rotated.get("previousKeyValidUntil").asText()))
                .isBetween(Instant.now().plusSeconds(3500), Instant.now().plusSeconds(3700));
        api.withKey(issued.get("key").asText()).get(ITEMS).expectStatus().isOk();
        api.withKey(rotated.get("key").asText()).get("/api/v1/auth/me").expectStatus().isOk()
                .expectBody().jsonPath("$.keyId").isEqualTo(id);
    }

    @Test
    void rotationWithoutGraceRetiresTheOldSecretAtOnce() {
        Session admin = api.signup("Acme");
        JsonNode issued = issue(admin, List.of("items:read"));
        String id = issued.get("id").asText();

        JsonNode rotated = api.post(admin, "/api/v1/api-keys/" + id + "/rotate", Map.of("gracePeriodSeconds", 0))
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();

        api.withKey(issued.get("key").asText()).get(ITEMS).expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.type").isEqualTo("urn:keyhook:problem:api-key-expired");
        api.withKey(rotated.get("key").asText()).get(ITEMS).expectStatus().isOk();
    }

    @Test
    void anotherOrganizationsKeyIsNotFound() {
        Session acme = api.signup("Acme");
        Session globex = api.signup("Globex");
        String id = issue(acme, List.of("items:read")).get("id").asText();

        api.get(globex, "/api/v1/api-keys/" + id).expectStatus().isNotFound();
        api.get(globex, "/api/v1/api-keys/" + id + "/usage").expectStatus().isNotFound();
        api.post(globex, "/api/v1/api-keys/" + id + "/rotate", Map.of()).expectStatus().isNotFound();
        api.delete(globex, "/api/v1/api-keys/" + id).expectStatus().isNotFound();
        api.get(globex, "/api/v1/api-keys").expectStatus().isOk().expectBody().jsonPath("$.total").isEqualTo(0);
        api.get(acme, "/api/v1/api-keys/" + id).expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("active");
    }

    @Test
    void theRateLimitAnswers429WithRetryAfter() {
        Session admin = api.signup("Acme");
        KeyClient client = api.withKey(api.issueKey(admin, Map.of("name", "slow", "scopes", List.of("items:read"),
                "rateLimitPerMinute", 3)).get("key").asText());

        for (int remaining = 2; remaining >= 0; remaining--) {
            client.get(ITEMS).expectStatus().isOk()
                    .expectHeader().valueEquals("X-RateLimit-Limit", "3")
                    .expectHeader().valueEquals("X-RateLimit-Remaining", Integer.toString(remaining));
        }
        client.get(ITEMS).expectStatus().isEqualTo(429)
                .expectHeader().value(HttpHeaders.RETRY_AFTER, seconds -> assertThat(Long.parseLong(seconds)).isBetween(1L, 20L))
                .expectHeader().valueEquals("X-RateLimit-Remaining", "0")
                .expectBody().jsonPath("$.type").isEqualTo("urn:keyhook:problem:rate-limited");
    }

    @Test
    void writesHaveTheirOwnSmallerDefaultBucket() {
        Session admin = api.signup("Acme");
        KeyClient client = api.withKey(issue(admin, List.of("items:read", "items:write")).get("key").asText());

        client.post(ITEMS, Map.of("name", "Bolt", "quantity", 1)).expectStatus().isCreated()
                .expectHeader().valueEquals("X-RateLimit-Limit", "30")
                .expectHeader().valueEquals("X-RateLimit-Remaining", "29");
        client.get(ITEMS).expectStatus().isOk().expectHeader().valueEquals("X-RateLimit-Remaining", "99");
    }

    @Test
    void anAddressThatKeepsFailingIsTurnedAwayEvenWithAGoodKey() {
        Session admin = api.signup("Acme");
        String good = issue(admin, List.of("items:read")).get("key").asText();
        String address = Api.nextClientAddress();

        for (int attempt = 0; attempt < 10; attempt++) {
            api.withKey("kh_live_guess" + attempt).from(address).get(ITEMS).expectStatus().isUnauthorized();
        }
        api.withKey("kh_live_guess").from(address).get(ITEMS).expectStatus().isEqualTo(429)
                .expectHeader().exists(HttpHeaders.RETRY_AFTER)
                .expectBody().jsonPath("$.type").isEqualTo("urn:keyhook:problem:too-many-failed-attempts");
        api.withKey(good).from(address).get(ITEMS).expectStatus().isEqualTo(429);
        api.withKey(good).get(ITEMS).expectStatus().isOk();
    }

    @Test
    void invalidRequestsNameTheirFieldsAndCreateNothing() {
        Session admin = api.signup("Acme");

        api.post(admin, "/api/v1/api-keys", Map.of("name", "x", "scopes", List.of("items:fly"))).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").value(field -> assertThat((String) field).startsWith("scopes"));
        api.post(admin, "/api/v1/api-keys", Map.of("name", " ", "scopes", List.of("items:read"))).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("name");
        api.post(admin, "/api/v1/api-keys", Map.of("name", "x", "scopes", List.of())).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("scopes");
        api.post(admin, "/api/v1/api-keys", Map.of("name", "x", "scopes", List.of("items:read"),
                "allowedIps", List.of("example.com"))).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("allowedIps"));
        api.post(admin, "/api/v1/api-keys", Map.of("name", "x", "scopes", List.of("items:read"),
                "expiresAt", "2020-01-01T00:00:00Z")).expectStatus().isBadRequest();
        api.post(admin, "/api/v1/api-keys", Map.of("name", "x", "scopes", List.of("items:read"),
                "environment", "prod")).expectStatus().isBadRequest();
        api.post(admin, "/api/v1/api-keys/" + "missing" + "/rotate", Map.of("gracePeriodSeconds", -1))
                .expectStatus().isBadRequest();

        api.get(admin, "/api/v1/api-keys").expectStatus().isOk().expectBody().jsonPath("$.total").isEqualTo(0);
    }

    @Test
    void aKeyAndALoginTokenTogetherAreAmbiguous() {
        Session admin = api.signup("Acme");
        String key = issue(admin, List.of("items:read")).get("key").asText();

        api.http().get().uri(ITEMS).header("X-API-Key", key).header(HttpHeaders.AUTHORIZATION, admin.bearer())
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.type").isEqualTo("urn:keyhook:problem:ambiguous-credentials");
    }
}
