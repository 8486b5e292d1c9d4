package io.keyhook.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Whether a JSON value fits an OpenAPI 3.1 schema of the document, as Redocly's
 * {@code no-invalid-media-type-examples} and {@code no-invalid-schema-examples} check examples: types,
 * required properties, no property an object schema does not declare (unless {@code additionalProperties}
 * allows it; an empty schema takes anything), enums, formats, lengths, patterns, ranges and item counts, through {@code $ref}s into the
 * components. It knows the keywords springdoc writes; any other keyword is reported, so a schema of a
 * new kind cannot pass unchecked.
 */
final class SchemaCheck {

    private static final Set<String> KEYWORDS = Set.of("$ref", "type", "properties", "required",
            "additionalProperties", "items", "enum", "format", "minLength", "maxLength", "pattern", "minimum",
            "maximum", "minItems", "maxItems", "uniqueItems", "description", "examples", "example");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    private final JsonNode schemas;

    SchemaCheck(JsonNode document) {
        this.schemas = document.path("components").path("schemas");
    }

    /** What does not fit, each with the JSON pointer of the value at fault; empty when the value fits. */
    List<String> problems(JsonNode value, JsonNode schema) {
        List<String> problems = new ArrayList<>();
        check(value, schema, "", problems);
        return problems;
    }

    private void check(JsonNode value, JsonNode schema, String at, List<String> problems) {
        if (schema.has("$ref")) {
            String ref = schema.get("$ref").asText();
            JsonNode target = ref.startsWith("#/components/schemas/") ? schemas.path(ref.substring(21)) : null;
            if (target == null || target.isMissingNode()) {
                problems.add(at + ": unresolved $ref " + ref);
            } else {
                check(value, target, at, problems);
            }
            return;
        }
        schema.fieldNames().forEachRemaining(keyword -> {
            if (!KEYWORDS.contains(keyword)) {
                problems.add(at + ": the check does not know the keyword " + keyword);
            }
        });
        if (schema.has("type") && !types(schema.get("type")).contains(typeOf(value))
                && !(typeOf(value).equals("integer") && types(schema.get("type")).contains("number"))) {
            problems.add(at + ": " + typeOf(value) + " where the schema wants " + schema.get("type"));
            return;
        }
        if (schema.has("enum") && !contains(schema.get("enum"), value)) {
            problems.add(at + ": " + value + " is not one of " + schema.get("enum"));
        }
        if (value.isTextual()) {
            text(value.asText(), schema, at, problems);
        } else if (value.isNumber()) {
            number(value, schema, at, problems);
        } else if (value.isObject()) {
            object(value, schema, at, problems);
        } else if (value.isArray()) {
            array(value, schema, at, problems);
        }
    }

    private static void text(String text, JsonNode schema, String at, List<String> problems) {
        if (schema.has("minLength") && text.length() < schema.get("minLength").asInt()) {
            problems.add(at + ": shorter than " + schema.get("minLength"));
        }
        if (schema.has("maxLength") && text.length() > schema.get("maxLength").asInt()) {
            problems.add(at + ": longer than " + schema.get("maxLength"));
        }
        if (schema.has("pattern") && !Pattern.compile(schema.get("pattern").asText()).matcher(text).find()) {
            problems.add(at + ": '" + text + "' does not match " + schema.get("pattern"));
        }
        if (schema.has("format") && !isFormatted(text, schema.get("format").asText())) {
            problems.add(at + ": '" + text + "' is not a valid " + schema.get("format").asText());
        }
    }

    private static boolean isFormatted(String text, String format) {
        try {
            return switch (format) {
                case "date-time" -> OffsetDateTime.parse(text) != null;
                case "date" -> LocalDate.parse(text) != null;
                case "email" -> EMAIL.matcher(text).matches();
                default -> false;
            };
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static void number(JsonNode value, JsonNode schema, String at, List<String> problems) {
        if (schema.has("minimum") && value.decimalValue().compareTo(schema.get("minimum").decimalValue()) < 0) {
            problems.add(at + ": below " + schema.get("minimum"));
        }
        if (schema.has("maximum") && value.decimalValue().compareTo(schema.get("maximum").decimalValue()) > 0) {
            problems.add(at + ": above " + schema.get("maximum"));
        }
        String format = schema.path("format").asText("");
        if (format.equals("int32") && !(value.canConvertToInt() && value.isIntegralNumber())
                || format.equals("int64") && !(value.canConvertToLong() && value.isIntegralNumber())) {
            problems.add(at + ": " + value + " is not an " + format);
        } else if (!format.isEmpty() && !format.equals("int32") && !format.equals("int64")) {
            problems.add(at + ": the check does not know the number format " + format);
        }
    }

    private void object(JsonNode value, JsonNode schema, String at, List<String> problems) {
        JsonNode properties = schema.path("properties");
        schema.path("required").forEach(required -> {
            if (!value.has(required.asText())) {
                problems.add(at + ": the required property " + required.asText() + " is missing");
            }
        });
        // Without additionalProperties, an object schema takes only what it declares (as Redocly checks examples).
        JsonNode additional = schema.has("additionalProperties") ? schema.get("additionalProperties")
                : BooleanNode.valueOf(!schema.has("properties"));
        value.fields().forEachRemaining(field -> {
            String where = at + "/" + field.getKey();
            if (properties.has(field.getKey())) {
                check(field.getValue(), properties.get(field.getKey()), where, problems);
            } else if (additional.isObject()) {
                check(field.getValue(), additional, where, problems);
            } else if (!additional.asBoolean()) {
                problems.add(where + ": the schema declares no property " + field.getKey());
            }
        });
    }

    private void array(JsonNode value, JsonNode schema, String at, List<String> problems) {
        if (schema.has("minItems") && value.size() < schema.get("minItems").asInt()) {
            problems.add(at + ": fewer items than " + schema.get("minItems"));
        }
        if (schema.has("maxItems") && value.size() > schema.get("maxItems").asInt()) {
            problems.add(at + ": more items than " + schema.get("maxItems"));
        }
        if (schema.path("uniqueItems").asBoolean(false)) {
            Set<JsonNode> seen = new HashSet<>();
            value.forEach(item -> {
                if (!seen.add(item)) {
                    problems.add(at + ": " + item + " is there twice");
                }
            });
        }
        if (schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                check(value.get(i), schema.get("items"), at + "/" + i, problems);
            }
        }
    }

    private static Set<String> types(JsonNode type) {
        Set<String> types = new HashSet<>();
        if (type.isArray()) {
            type.forEach(one -> types.add(one.asText()));
        } else {
            types.add(type.asText());
        }
        return types;
    }

    private static String typeOf(JsonNode value) {
        if (value.isTextual()) {
            return "string";
        }
        if (value.isIntegralNumber()) {
            return "integer";
        }
        if (value.isNumber()) {
            return "number";
        }
        if (value.isBoolean()) {
            return "boolean";
        }
        if (value.isObject()) {
            return "object";
        }
        return value.isArray() ? "array" : "null";
    }

    private static boolean contains(JsonNode values, JsonNode value) {
        for (JsonNode one : values) {
            if (one.equals(value)) {
                return true;
            }
        }
        return false;
    }
}
