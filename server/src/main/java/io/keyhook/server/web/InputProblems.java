package io.keyhook.server.web;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.server.ServerWebInputException;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The 400s of {@link ProblemTable}: a request the server could read but not accept, or not read at all. */
final class InputProblems {

    private InputProblems() {
    }

    static ProblemDetail invalidFields(WebExchangeBindException binding) {
        List<FieldProblem> errors = Stream.concat(
                binding.getFieldErrors().stream()
                        .map(field -> new FieldProblem(field.getField(), String.valueOf(field.getDefaultMessage()))),
                binding.getGlobalErrors().stream()
                        .map(global -> new FieldProblem(global.getObjectName(), String.valueOf(global.getDefaultMessage()))))
                .toList();
        return ApiProblem.invalidFields(errors).problem();
    }

    static ProblemDetail badInput(ServerWebInputException input) {
        if (Causes.of(input).anyMatch(JsonParseException.class::isInstance)) {
            return malformedJson();
        }
        Optional<JsonMappingException> mapping = Causes.of(input)
                .filter(JsonMappingException.class::isInstance).map(JsonMappingException.class::cast).findFirst();
        if (mapping.isPresent() && !mapping.get().getPath().isEmpty()) {
            String field = mapping.get().getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
            String reason = mapping.get() instanceof UnrecognizedPropertyException ? "unknown field"
                    : Causes.of(input).filter(IllegalArgumentException.class::isInstance).findFirst()
                            .map(Throwable::getMessage).orElse("has a value of the wrong type");
            return ApiProblem.invalidField(field, reason).problem();
        }
        if (Causes.of(input).anyMatch(JsonProcessingException.class::isInstance)) {
            return malformedJson();
        }
        if (input.getMethodParameter() != null && input.getMethodParameter().getParameterName() != null
                && !"No request body".equals(input.getReason())) {
            return ApiProblem.invalidField(input.getMethodParameter().getParameterName(), "has an invalid value").problem();
        }
        return ApiProblem.of(HttpStatus.BAD_REQUEST, "bad-request", "Bad request",
                "No request body".equals(input.getReason()) ? "a request body is required"
                        : Optional.ofNullable(input.getReason()).orElse("the request could not be read")).problem();
    }

    private static ProblemDetail malformedJson() {
        return ApiProblem.of(HttpStatus.BAD_REQUEST, "malformed-json", "Malformed JSON",
                "the request body is not valid JSON").problem();
    }
}
