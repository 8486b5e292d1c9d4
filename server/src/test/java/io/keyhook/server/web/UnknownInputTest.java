package io.keyhook.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keyhook.api.item.ItemDeleted;
import io.keyhook.server.Api.Session;
import io.keyhook.server.KeyhookAppTest;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A field or query parameter the API does not know is refused by name, never silently ignored. */
class UnknownInputTest extends KeyhookAppTest {

    @Autowired
    private ObjectMapper sharedJson;

    @Autowired
    @Qualifier("eventSerializer")
    private Serializer events;

    @Test
    void aMisspelledFieldIsA400NamingItAndCreatesNothing() {
        Session admin = api.signup("Acme");
        problem(post(admin, "/api/v1/webhooks", "{\"url\": \"http://localhost:1/hook\", "
                + "\"eventTypes\": [\"item.created\"], \"signatureScheme\": \"v1a\"}"))
                .jsonPath("$.type").isEqualTo("urn:keyhook:problem:validation")
                .jsonPath("$.errors.length()").isEqualTo(1)
                .jsonPath("$.errors[0].field").isEqualTo("signatureScheme")
                .jsonPath("$.errors[0].message").isEqualTo("unknown field");
        api.get(admin, "/api/v1/webhooks").expectBody().jsonPath("$.total").isEqualTo(0);
    }

    @Test
    void everyUnknownFieldIsNamed() {
        Session admin = api.signup("Acme");
        problem(post(admin, "/api/v1/items", "{\"name\": \"Bolt\", \"qty\": 3, \"quantity\": 3, \"colour\": {\"r\": 1}}"))
                .jsonPath("$.errors.length()").isEqualTo(2)
                .jsonPath("$.errors[0].field").isEqualTo("qty")
                .jsonPath("$.errors[1].field").isEqualTo("colour");
    }

    /** A mebibyte of wrong fields does not make a problem many times that size. */
    @Test
    void aBodyFullOfUnknownFieldsNamesTwentyAndCountsTheRest() {
        Session admin = api.signup("Acme");
        StringBuilder body = new StringBuilder("{\"name\": \"Bolt\", \"quantity\": 3");
        for (int i = 0; i < 5000; i++) {
            body.append(", \"x").append(i).append("\": ").append(i);
        }
        problem(post(admin, "/api/v1/items", body.append('}').toString()))
                .jsonPath("$.errors.length()").isEqualTo(ApiProblem.MAX_NAMED_FIELDS)
                .jsonPath("$.errors[0].field").isEqualTo("x0")
                .jsonPath("$.detail").value(detail -> assertThat((String) detail).endsWith("; and 4980 more"));
    }

    @Test
    void everyRequestBodyRefusesUnknownFields() {
        Session admin = api.signup("Acme");
        String itemId = api.createItem(admin, "Bolt", 5, 0).get("id").asText();
        String keyId = api.issueKey(admin, Map.of("name", "k", "scopes", List.of("items:read"))).get("id").asText();
        String webhookId = api.post(admin, "/api/v1/webhooks", Map.of("url", "http://localhost:1/hook",
                        "eventTypes", List.of("item.created"))).expectStatus().isCreated()
                .expectBody(JsonNode.class).returnResult().getResponseBody().get("id").asText();
        Map<String, String> bodies = Map.of(
                "/api/v1/auth/signup", "{\"organization\": \"O\", \"email\": \"o@example.com\", \"password\": \"long enough\", \"x\": 1}",
                "/api/v1/auth/login", "{\"email\": \"o@example.com\", \"password\": \"long enough\", \"x\": 1}",
                "/api/v1/users", "{\"email\": \"m@example.com\", \"password\": \"long enough\", \"role\": \"member\", \"x\": 1}",
                "/api/v1/items", "{\"name\": \"Nut\", \"quantity\": 1, \"x\": 1}",
                "/api/v1/items/" + itemId + "/stock", "{\"delta\": 1, \"x\": 1}",
                "/api/v1/api-keys", "{\"name\": \"k\", \"scopes\": [\"items:read\"], \"x\": 1}",
                "/api/v1/api-keys/" + keyId + "/rotate", "{\"gracePeriodSeconds\": 0, \"x\": 1}",
                "/api/v1/webhooks/" + webhookId + "/rotate-secret", "{\"gracePeriodSeconds\": 0, \"x\": 1}",
                "/api/v1/admin/replays", "{\"processingGroup\": \"items\", \"x\": 1}");
        bodies.forEach((path, body) -> problem(post(admin, path, body)).jsonPath("$.errors[0].field").isEqualTo("x"));
        problem(api.http().put().uri("/api/v1/items/" + itemId).header(HttpHeaders.AUTHORIZATION, admin.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"name\": \"Nut\", \"quantity\": 1, \"x\": 1}").exchange())
                .jsonPath("$.errors[0].field").isEqualTo("x");
    }

    @Test
    void aFilterTheListDoesNotHaveIsA400NamingIt() {
        Session admin = api.signup("Acme");
        String webhookId = api.post(admin, "/api/v1/webhooks", Map.of("url", "http://localhost:1/hook",
                        "eventTypes", List.of("item.created"))).expectStatus().isCreated()
                .expectBody(JsonNode.class).returnResult().getResponseBody().get("id").asText();
        String deliveries = "/api/v1/webhooks/" + webhookId + "/deliveries";
        problem(api.get(admin, deliveries + "?state=failed"))
                .jsonPath("$.errors.length()").isEqualTo(1)
                .jsonPath("$.errors[0].field").isEqualTo("state")
                .jsonPath("$.errors[0].message").value(message -> assertThat((String) message).contains("status"));
        problem(api.get(admin, "/api/v1/items?pageSize=10&sort=name"))
                .jsonPath("$.errors[0].field").isEqualTo("pageSize")
                .jsonPath("$.errors[1].field").isEqualTo("sort");
        api.get(admin, deliveries + "?status=failed&page=0&size=5").expectStatus().isOk();
        api.get(admin, "/api/v1/items?page=0&size=5").expectStatus().isOk();
    }

    @Test
    void storedEventsAndTheSharedObjectMapperStayTolerant() throws Exception {
        String withAFieldFromANewerVersion = "{\"itemId\": \"i\", \"organizationId\": \"o\", \"reason\": \"sold out\"}";
        ItemDeleted event = events.deserialize(new SimpleSerializedObject<>(withAFieldFromANewerVersion, String.class,
                ItemDeleted.class.getName(), null));
        assertThat(event).isEqualTo(new ItemDeleted("i", "o"));
        assertThat(sharedJson.readValue(withAFieldFromANewerVersion, ItemDeleted.class)).isEqualTo(event);
    }

    private WebTestClient.ResponseSpec post(Session session, String path, String body) {
        return api.http().post().uri(path).header(HttpHeaders.AUTHORIZATION, session.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    private static WebTestClient.BodyContentSpec problem(WebTestClient.ResponseSpec response) {
        return response.expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(400);
    }
}
