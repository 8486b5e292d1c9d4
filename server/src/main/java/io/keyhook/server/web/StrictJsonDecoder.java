package io.keyhook.server.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import org.springframework.core.ResolvableType;
import org.springframework.core.codec.Hints;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.codec.json.Jackson2JsonDecoder;
import org.springframework.util.MimeType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads request bodies with a copy of the application's ObjectMapper that refuses what it does not
 * understand: an unknown field (all of them are named, not just the first), a fraction where a whole
 * number belongs (instead of cutting it off) and anything after the JSON value. The shared
 * ObjectMapper stays tolerant, since Axon reads stored events and sagas with it.
 */
class StrictJsonDecoder extends Jackson2JsonDecoder {

    private static final String UNKNOWN_FIELDS = StrictJsonDecoder.class.getName() + ".unknownFields";

    StrictJsonDecoder(ObjectMapper shared) {
        super(shared.copy()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .addHandler(new UnknownFieldCollector()));
    }

    @Override
    public Object decode(DataBuffer buffer, ResolvableType targetType, MimeType mimeType, Map<String, Object> hints) {
        List<FieldProblem> unknown = new ArrayList<>();
        Object value = super.decode(buffer, targetType, mimeType, Hints.merge(hints, UNKNOWN_FIELDS, unknown));
        if (!unknown.isEmpty()) {
            throw ApiProblem.invalidFields(unknown);
        }
        return value;
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
            String path = object.pathAsPointer().toString()
                    .replaceAll("/(\\d+)(?=/|$)", "[$1]").replaceFirst("^/", "").replace('/', '.');
            ((List<FieldProblem>) unknown).add(new FieldProblem(path, "unknown field"));
            parser.skipChildren();
            return true;
        }
    }
}
