package io.keyhook.server.web;

import io.keyhook.server.Api.Session;
import io.keyhook.server.KeyhookAppTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every client mistake gets an RFC 9457 problem with the right status, and changes nothing. */
class ProblemResponsesTest extends KeyhookAppTest {

    @Test
    void malformedJsonIsA400() {
        Session admin = api.signup("Acme");
        problem(json(admin, "/api/v1/items", "{\"name\": \"Bolt\", \"quantity\": "), 400)
                .jsonPath("$.type").isEqualTo("urn:keyhook:problem:malformed-json");
        api.get(admin, "/api/v1/items").expectBody().jsonPath("$.total").isEqualTo(0);
    }

    @Test
    void aValueOfTheWrongTypeNamesTheField() {
        Session admin = api.signup("Acme");
        problem(json(admin, "/api/v1/items", "{\"name\": \"Bolt\", \"quantity\": \"ten\"}"), 400)
                .jsonPath("$.errors[0].field").isEqualTo("quantity");
    }

    @Test
    void everyInvalidFieldIsNamed() {
        Session admin = api.signup("Acme");
        problem(json(admin, "/api/v1/items", "{\"name\": \" \", \"quantity\": -1, \"sku\": \"a b\"}"), 400)
                .jsonPath("$.errors.length()").isEqualTo(3)
                .jsonPath("$.errors[?(@.field == 'name')]").exists()
                .jsonPath("$.errors[?(@.field == 'quantity')]").exists()
                .jsonPath("$.errors[?(@.field == 'sku')]").exists();
        problem(json(admin, "/api/v1/auth/signup", "{\"organization\": \"\", \"email\": \"not-an-email\", \"password\": \"short\"}"), 400)
                .jsonPath("$.errors.length()").isEqualTo(3);
    }

    @Test
    void aMissingBodyIsA400() {
        Session admin = api.signup("Acme");
        problem(api.http().post().uri("/api/v1/items").header(HttpHeaders.AUTHORIZATION, admin.bearer())
                .contentType(MediaType.APPLICATION_JSON).exchange(), 400);
    }

    @Test
    void badPagingIsA400() {
        Session admin = api.signup("Acme");
        problem(api.get(admin, "/api/v1/items?size=1000"), 400).jsonPath("$.errors[0].field").isEqualTo("size");
        problem(api.get(admin, "/api/v1/items?page=-1"), 400).jsonPath("$.errors[0].field").isEqualTo("page");
        problem(api.get(admin, "/api/v1/items?page=abc"), 400).jsonPath("$.errors[0].field").isEqualTo("page");
    }

    @Test
    void noCredentialsIsA401WithAChallenge() {
        api.http().get().uri("/api/v1/items").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"keyhook\"")
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void aForgedOrGarbledTokenIsA401() {
        Session admin = api.signup("Acme");
        String forged = admin.token().substring(0, admin.token().lastIndexOf('.') + 1) + "c2lnbmF0dXJl";
        for (String token : new String[]{forged, "not-a-jwt"}) {
            api.http().get().uri("/api/v1/items").header(HttpHeaders.AUTHORIZATION, "Bearer " + token).exchange()
                    .expectStatus().isUnauthorized()
                    .expectHeader().valueMatches(HttpHeaders.WWW_AUTHENTICATE, ".*error=\"invalid_token\".*")
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        }
    }

    @Test
    void aBodyOverOneMebibyteIsA413() {
        Session admin = api.signup("Acme");
        String huge = "{\"name\": \"" + "x".repeat(1024 * 1024 + 10) + "\", \"quantity\": 1}";
        problem(json(admin, "/api/v1/items", huge), 413);
    }

    @Test
    void unknownPathsAndMethodsAreProblemsToo() {
        Session admin = api.signup("Acme");
        problem(api.get(admin, "/api/v1/nothing-here"), 404);
        problem(api.http().patch().uri("/api/v1/items").header(HttpHeaders.AUTHORIZATION, admin.bearer()).exchange(), 405);
        problem(api.http().post().uri("/api/v1/items").header(HttpHeaders.AUTHORIZATION, admin.bearer())
                .contentType(MediaType.TEXT_PLAIN).bodyValue("name=Bolt").exchange(), 415);
    }

    /** The answer's media type is settled before the handler runs: a write whose answer would be refused is not made. */
    @Test
    void aWriteWhoseAnswerCannotBeAcceptedIsNotMade() {
        Session admin = api.signup("Acme");
        String itemId = api.createItem(admin, "Bolt", 5, 0).get("id").asText();
        problem(api.http().post().uri("/api/v1/items").header(HttpHeaders.AUTHORIZATION, admin.bearer())
                .accept(MediaType.APPLICATION_XML).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\": \"Nut\", \"quantity\": 1}").exchange(), 406)
                .jsonPath("$.type").isEqualTo("urn:keyhook:problem:http-406");
        problem(api.http().delete().uri("/api/v1/items/" + itemId).header(HttpHeaders.AUTHORIZATION, admin.bearer())
                .accept(MediaType.TEXT_PLAIN).exchange(), 406);
        api.get(admin, "/api/v1/items").expectBody()
                .jsonPath("$.total").isEqualTo(1)
                .jsonPath("$.items[0].id").isEqualTo(itemId);
    }

    /** A request for an unknown id is an everyday 404, not a warning with a stack trace in the log. */
    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aWriteToAnUnknownIdLogsNoStackTrace(CapturedOutput output) {
        Session admin = api.signup("Acme");
        problem(json(admin, "/api/v1/items/no-such-item/stock", "{\"delta\": 1}"), 404);
        assertThat(output.getAll()).doesNotContain("no-such-item");
    }

    @Test
    void problemsNeverCarryStackTraces() {
        Session admin = api.signup("Acme");
        String body = json(admin, "/api/v1/items", "{\"name\": [1, 2], \"quantity\": {}}")
                .expectStatus().isBadRequest()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(body).doesNotContain("Exception", "at io.", "at org.", "com.fasterxml");
    }

    private WebTestClient.ResponseSpec json(Session session, String path, String body) {
        return api.http().post().uri(path).header(HttpHeaders.AUTHORIZATION, session.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    private static WebTestClient.BodyContentSpec problem(WebTestClient.ResponseSpec response, int status) {
        return response.expectStatus().isEqualTo(status)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(status)
                .jsonPath("$.title").exists();
    }
}
