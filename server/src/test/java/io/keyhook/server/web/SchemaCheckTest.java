package io.keyhook.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The check that keeps the document's examples honest finds what Redocly would. */
class SchemaCheckTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SchemaCheck check = new SchemaCheck(json("""
            {"components": {"schemas": {
              "Item": {"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 5},
                "sku": {"type": "string", "pattern": "^[A-Z]+$"},
                "quantity": {"type": "integer", "format": "int32", "minimum": 0},
                "at": {"type": "string", "format": "date-time"},
                "email": {"type": "string", "format": "email"},
                "role": {"type": "string", "enum": ["admin", "member"]},
                "tags": {"type": "array", "uniqueItems": true, "maxItems": 2, "items": {"type": "string"}},
                "counts": {"type": "object", "additionalProperties": {"type": "integer", "format": "int64"}},
                "any": {"type": "object", "additionalProperties": {}},
                "closed": {"type": "object", "additionalProperties": false}}}}}}
            """));
    private final JsonNode item = json("{\"$ref\": \"#/components/schemas/Item\"}");

    @Test
    void aFittingValuePasses() {
        assertThat(check.problems(json("""
                {"name": "Bolt", "sku": "B", "quantity": 3, "at": "2026-03-01T10:15:30.123Z", "email": "ada@example.com",
                 "role": "admin", "tags": ["a", "b"], "counts": {"ok": 12}, "any": {"keys": [{"kty": "RSA"}]}}
                """), item)).isEmpty();
    }

    @Test
    void eachMisfitIsNamedWhereItIs() {
        assertThat(check.problems(json("""
                {"sku": "b", "quantity": -1, "at": "yesterday", "email": "ada", "role": "owner", "tags": ["a", "a", "b"],
                 "counts": {"ok": "12"}, "closed": {"a": 1}, "colour": "red"}
                """), item)).containsExactlyInAnyOrder(
                ": the required property name is missing",
                "/sku: 'b' does not match \"^[A-Z]+$\"",
                "/quantity: below 0",
                "/at: 'yesterday' is not a valid date-time",
                "/email: 'ada' is not a valid email",
                "/role: \"owner\" is not one of [\"admin\",\"member\"]",
                "/tags: more items than 2",
                "/tags: \"a\" is there twice",
                "/counts/ok: string where the schema wants \"integer\"",
                "/closed/a: the schema declares no property a",
                "/colour: the schema declares no property colour");
        assertThat(check.problems(json("{\"name\": \"too long\"}"), item)).containsExactly("/name: longer than 5");
        assertThat(check.problems(json("[]"), item)).containsExactly(": array where the schema wants \"object\"");
    }

    @Test
    void unknownKeywordsAndReferencesAreReported() {
        assertThat(check.problems(json("1"), json("{\"oneOf\": []}")))
                .containsExactly(": the check does not know the keyword oneOf");
        assertThat(check.problems(json("1"), json("{\"$ref\": \"#/components/schemas/Nothing\"}")))
                .containsExactly(": unresolved $ref #/components/schemas/Nothing");
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
