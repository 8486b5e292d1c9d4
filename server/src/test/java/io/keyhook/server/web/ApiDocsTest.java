package io.keyhook.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keyhook.command.apikey.ApiKeyFormat;
import io.keyhook.server.Api.Session;
import io.keyhook.server.KeyhookAppTest;
import io.keyhook.webhook.signing.WebhookSignature;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class ApiDocsTest extends KeyhookAppTest {

    @Test
    void theOpenApiDocumentDeclaresBothSchemesAndHidesTheCaller() {
        api.http().get().uri("/v3/api-docs").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.components.securitySchemes.bearer-jwt.scheme").isEqualTo("bearer")
                .jsonPath("$.components.securitySchemes.bearer-jwt.bearerFormat").isEqualTo("JWT")
                .jsonPath("$.components.securitySchemes.api-key.type").isEqualTo("apiKey")
                .jsonPath("$.components.securitySchemes.api-key.in").isEqualTo("header")
                .jsonPath("$.components.securitySchemes.api-key.name").isEqualTo("X-API-Key")
                .jsonPath("$.security[*]").value(requirements -> assertThat(requirements.toString())
                        .contains("bearer-jwt").contains("api-key"))
                .jsonPath("$.paths['/api/v1/api-keys/{id}/rotate'].post").exists()
                .jsonPath("$.paths['/api/v1/admin/replays'].post").exists()
                .jsonPath("$.paths['/api/v1/items'].post").exists()
                .jsonPath("$.paths['/api/v1/auth/signup'].post.security.length()").isEqualTo(0)
                .jsonPath("$.paths['/api/v1/items'].get.parameters[?(@.name == 'caller')]").doesNotExist();
    }

    /**
     * What {@code redocly lint} checks under its recommended rules, as a test: every operation has a
     * summary and declares a 4xx response, and each declared problem is an RFC 9457 document.
     */
    @Test
    void everyOperationHasASummaryAndItsProblems() throws Exception {
        JsonNode document = document();
        List<String> operations = new ArrayList<>();
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(method -> {
            String name = method.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey();
            JsonNode operation = method.getValue();
            operations.add(name);
            assertThat(operation.path("summary").asText()).as(name + " summary").isNotBlank();
            List<String> problems = new ArrayList<>();
            operation.path("responses").fields().forEachRemaining(response -> {
                if (response.getKey().startsWith("4")) {
                    problems.add(response.getKey());
                    assertThat(response.getValue().path("content").has("application/problem+json"))
                            .as(name + " " + response.getKey() + " is a problem").isTrue();
                }
            });
            assertThat(problems).as(name + " 4xx responses").contains("400");
            if (path.getKey().startsWith("/api/") && !operation.has("security")) {
                assertThat(problems).as(name + " needs a credential").contains("401", "403");
            }
            if (path.getKey().contains("{id}")) {
                assertThat(problems).as(name + " names a resource").contains("404");
            }
        }));
        assertThat(operations).hasSizeGreaterThan(30).contains("POST /api/v1/items", "GET /.well-known/jwks.json");
        assertThat(document.at("/components/schemas/Problem/properties/type").isMissingNode()).isFalse();
    }

    /**
     * What Redocly's {@code no-invalid-media-type-examples} and {@code no-invalid-schema-examples} check,
     * and more: every request body and every success answer with a body has an example, every declared
     * problem an example problem, and each of them, like every schema's own example, fits its schema
     * (no property it does not declare).
     */
    @Test
    void everyOperationHasExamplesThatFitTheirSchemas() throws Exception {
        JsonNode document = document();
        SchemaCheck check = new SchemaCheck(document);
        List<String> problems = new ArrayList<>();
        List<String> examples = new ArrayList<>();
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(method -> {
            String name = method.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey();
            JsonNode operation = method.getValue();
            if (operation.has("requestBody")) {
                assertThat(operation.at("/requestBody/content").size()).as(name + " request media types").isPositive();
                operation.at("/requestBody/content").fields().forEachRemaining(media ->
                        examples.add(example(check, name + " request " + media.getKey(), media.getValue(), problems)));
            }
            List<String> successes = new ArrayList<>();
            operation.path("responses").fields().forEachRemaining(response -> {
                if (response.getKey().startsWith("2")) {
                    successes.add(response.getKey());
                }
                if (response.getKey().startsWith("2") || response.getKey().startsWith("4")) {
                    response.getValue().path("content").fields().forEachRemaining(media -> examples.add(example(check,
                            name + " " + response.getKey() + " " + media.getKey(), media.getValue(), problems)));
                }
            });
            assertThat(successes).as(name + " success answers").isNotEmpty();
            if (!successes.equals(List.of("204"))) {
                assertThat(examples).as(name + " has a success example")
                        .anyMatch(example -> example.startsWith(name + " 2"));
            }
        }));
        document.at("/components/schemas").fields().forEachRemaining(schema -> schema.getValue().path("examples")
                .forEach(example -> check.problems(example, schema.getValue())
                        .forEach(problem -> problems.add("schema " + schema.getKey() + problem))));
        assertThat(problems).isEmpty();
        assertThat(examples).hasSizeGreaterThan(150).contains("POST /api/v1/items request application/json",
                "POST /api/v1/items 201 application/json", "GET /api/v1/api-keys/{id}/usage 200 application/x-ndjson",
                "POST /api/v1/items 400 application/problem+json");
        assertThat(document.at("/components/schemas/ItemView/examples/0/id").asText()).isNotBlank();
    }

    /**
     * A JSON Schema pattern matches anywhere in a value, Bean Validation's the whole value: anchored at
     * both ends, the documented pattern refuses what the server refuses.
     */
    @Test
    void everyPatternIsAnchoredAndTheSkuPatternRefusesWhatTheServerRefuses() throws Exception {
        JsonNode document = document();
        Map<String, String> patterns = new TreeMap<>();
        patterns(document, "", patterns);
        assertThat(patterns).containsKey("/components/schemas/ItemRequest/properties/sku/pattern")
                .allSatisfy((at, pattern) -> assertThat(pattern).as(at).startsWith("^").endsWith("$"));

        SchemaCheck check = new SchemaCheck(document);
        JsonNode item = document.at("/components/schemas/ItemRequest");
        ObjectMapper json = new ObjectMapper();
        Session admin = api.signup("Acme");
        for (String sku : List.of("B-M6", "bolts/m6_steel.v2", "")) {
            String body = json.writeValueAsString(Map.of("name", "Bolt", "sku", sku, "quantity", 1));
            assertThat(check.problems(json.readTree(body), item)).as(sku).isEmpty();
            api.post(admin, "/api/v1/items", body).expectStatus().isCreated();
        }
        for (String sku : List.of("a b", "B-M6 ", "x;B-M6", "B\u00e9")) {
            String body = json.writeValueAsString(Map.of("name", "Bolt", "sku", sku, "quantity", 1));
            assertThat(check.problems(json.readTree(body), item)).as(sku).singleElement().asString().startsWith("/sku:");
            api.post(admin, "/api/v1/items", body).expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.errors[0].field").isEqualTo("sku");
        }
    }

    private static void patterns(JsonNode node, String at, Map<String, String> found) {
        node.fields().forEachRemaining(field -> {
            String where = at + "/" + field.getKey().replace("~", "~0").replace("/", "~1");
            if (field.getKey().equals("pattern") && field.getValue().isTextual()) {
                found.put(where, field.getValue().asText());
            }
            patterns(field.getValue(), where, found);
        });
        for (int i = 0; node.isArray() && i < node.size(); i++) {
            patterns(node.get(i), at + "/" + i, found);
        }
    }

    /** Looks like the real thing, opens nothing: the examples' key, signing secret and login token. */
    @Test
    void theExamplesCredentialsHaveTheRealFormatsAndOpenNothing() throws Exception {
        JsonNode document = document();
        String key = document.at("/paths/~1api~1v1~1api-keys/post/responses/201/content/application~1json/example/key")
                .asText();
        String prefix = document.at("/paths/~1api~1v1~1api-keys/post/responses/201/content/application~1json/example/prefix")
                .asText();
        assertThat(ApiKeyFormat.parse(key)).map(ApiKeyFormat.Parsed::prefix).contains(prefix);
        String secret = document.at("/paths/~1api~1v1~1webhooks/post/responses/201/content/application~1json/example/secret")
                .asText();
        assertThat(WebhookSignature.isValidSecret(secret)).isTrue();
        String token = document.at("/paths/~1api~1v1~1auth~1login/post/responses/200/content/application~1json/example/token")
                .asText();
        assertThat(token.split("\\.")).hasSize(3);

        api.http().get().uri("/api/v1/auth/me").header("X-API-Key", key).exchange()
                .expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.type").isEqualTo("urn:keyhook:problem:invalid-api-key");
        api.http().get().uri("/api/v1/auth/me").header("Authorization", "Bearer " + token).exchange()
                .expectStatus().isUnauthorized();
    }

    private static String example(SchemaCheck check, String name, JsonNode media, List<String> problems) {
        assertThat(media.has("example")).as(name + " has an example").isTrue();
        check.problems(media.get("example"), media.path("schema")).forEach(problem -> problems.add(name + problem));
        return name;
    }

    private JsonNode document() throws Exception {
        return new ObjectMapper().readTree(api.http().get().uri("/v3/api-docs").exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody());
    }

    @Test
    void theApiBrowserAndHealthAreServedWithoutCredentials() {
        String page = api.http().get().uri("/webjars/swagger-ui/index.html").exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(page).contains("swagger-ui");
        api.http().get().uri("/swagger-ui.html").exchange().expectStatus().is3xxRedirection();
        api.http().get().uri("/actuator/health").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP");
    }
}
