package io.keyhook.server.web;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.type.LogicalType;
import org.springframework.core.ResolvableType;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.codec.Hints;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.codec.json.Jackson2JsonDecoder;
import org.springframework.util.MimeType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads request bodies with a copy of the application's ObjectMapper that refuses what it does not
 * understand: an unknown field (all of them, not just the first), a field given twice
 * (instead of keeping the last), a fraction where a whole number belongs (instead of cutting it off),
 * a number or boolean where a string belongs and a string where a number or boolean belongs (instead
 * of converting it), and anything after the JSON value. The shared ObjectMapper stays tolerant, since
 * Axon reads stored events and sagas with it.
 */
class StrictJsonDecoder extends Jackson2JsonDecoder {

    private static final String UNKNOWN_FIELDS = StrictJsonDecoder.class.getName() + ".unknownFields";
    /** How Jackson's duplicate detection words its error (JsonParser.Feature.STRICT_DUPLICATE_DETECTION). */
    private static final String DUPLICATE_FIELD = "Duplicate field ";

    StrictJsonDecoder(ObjectMapper shared) {
        super(strict(shared.copy()));
    }

    private static ObjectMapper strict(ObjectMapper json) {
        json.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .addHandler(new UnknownFieldCollector());
        json.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        for (LogicalType scalar : List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean)) {
            json.coercionConfigFor(scalar).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        json.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        return json;
    }

    @Override
    public Object decode(DataBuffer buffer, ResolvableType targetType, MimeType mimeType, Map<String, Object> hints) {
        List<FieldProblem> unknown = new ArrayList<>();
        Object value;
        try {
            value = super.decode(buffer, targetType, mimeType, Hints.merge(hints, UNKNOWN_FIELDS, unknown));
        } catch (DecodingException e) {
            throw duplicateField(e).<RuntimeException>map(field -> ApiProblem.invalidField(field, "is given more than once"))
                    .orElse(e);
        }
        if (!unknown.isEmpty()) {
            throw ApiProblem.invalidFields(unknown);
        }
        return value;
    }

    private static Optional<String> duplicateField(DecodingException decoding) {
        if (decoding.getCause() instanceof JsonParseException parse && parse.getProcessor() != null
                && parse.getOriginalMessage().startsWith(DUPLICATE_FIELD)) {
            return Optional.of(path(parse.getProcessor().getParsingContext()));
        }
        return Optional.empty();
    }

    /** A field's place in the body as the problems name it: {@code allowedIps[2]}, {@code a.b}. */
    private static String path(JsonStreamContext context) {
        return context.pathAsPointer().toString()
                .replaceAll("/(\\d+)(?=/|$)", "[$1]").replaceFirst("^/", "").replace('/', '.');
    }

    @Override
    protected ObjectReader customizeReader(ObjectReader reader, ResolvableType elementType, Map<String, Object> hints) {
        Object unknown = hints == null ? null : hints.get(UNKNOWN_FIELDS);
        return unknown == null ? reader : reader.withAttribute(UNKNOWN_FIELDS, unknown);
    }

    /** Notes an unknown field and reads on, so the problem can name every one; fails as usual outside decode. */
    private static final class UnknownFieldCollector extends DeserializationProblemHandler {

        @Override
        @SuppressWarnings("unchecked")
        public boolean handleUnknownProperty(DeserializationContext context, JsonParser parser,
                                             JsonDeserializer<?> deserializer, Object beanOrClass, String field)
                throws IOException {
            if (!(context.getAttribute(UNKNOWN_FIELDS) instanceof List<?> unknown)) {
                return false;
            }
            JsonStreamContext object = parser.currentToken().isStructStart()
                    ? parser.getParsingContext().getParent() : parser.getParsingContext();
            ((List<FieldProblem>) unknown).add(new FieldProblem(path(object), "unknown field"));
            parser.skipChildren();
            return true;
        }
    }
}
