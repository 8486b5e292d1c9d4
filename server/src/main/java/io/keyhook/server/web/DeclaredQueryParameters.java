package io.keyhook.server.web;

import io.keyhook.server.apikey.PresentedKey;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.server.ServerWebExchange;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * An endpoint that takes query parameters (the lists and their filters) takes only the ones its
 * method declares with {@code @RequestParam}, each once unless it takes several values, and a whole
 * number in decimal digits: {@code ?state=failed} where the filter is {@code status} is a 400 naming
 * {@code state}, not a silently unfiltered list; {@code ?page=1&page=2} a 400 naming {@code page},
 * not the first of the two; {@code ?page=0x10} a 400 too, not page 16 (Spring's conversion reads hex,
 * drops blanks and falls back to that reading when a stricter converter refuses). WebFlux has no
 * handler interceptors: {@link ApiHandlerMapping} runs the check where the request mapping has
 * matched the method (a model attribute advice would build and invoke a handler method of its own on
 * every request).
 */
final class DeclaredQueryParameters {

    private static final Pattern DECIMAL = Pattern.compile("-?[0-9]+");
    private static final Set<Class<?>> WHOLE_NUMBERS = Set.of(int.class, Integer.class, long.class, Long.class);

    /** What a handler method declares of one parameter. */
    private record Declared(boolean severalValues, boolean wholeNumber) {
    }

    /** Per handler method: its parameters by name; nothing when it takes any. */
    private final Map<Method, Optional<Map<String, Declared>>> acceptedByMethod = new ConcurrentHashMap<>();

    void refuseUndeclared(ServerWebExchange exchange, HandlerMethod method) {
        Map<String, List<String>> sent = exchange.getRequest().getQueryParams();
        if (sent.isEmpty()) {
            return;
        }
        acceptedByMethod.computeIfAbsent(method.getMethod(), declared -> accepted(method)).ifPresent(accepted -> {
            List<FieldProblem> refused = new ArrayList<>();
            sent.forEach((name, values) -> {
                Declared declared = accepted.get(name);
                if (name.equals(PresentedKey.QUERY_PARAM)) {
                    // the API key, where keyhook.api-keys.allow-query-param lets a request carry it there
                    return;
                }
                if (declared == null) {
                    refused.add(new FieldProblem(name, "unknown query parameter; this endpoint takes "
                            + String.join(", ", accepted.keySet())));
                } else if (values.size() > 1 && !declared.severalValues()) {
                    refused.add(new FieldProblem(name, "is given " + values.size() + " times; it takes one value"));
                } else if (declared.wholeNumber() && values.stream()
                        .anyMatch(value -> !value.isEmpty() && !DECIMAL.matcher(value).matches())) {
                    refused.add(new FieldProblem(name, "must be a whole number in decimal digits"));
                }
            });
            if (!refused.isEmpty()) {
                refused.sort(Comparator.comparing(FieldProblem::field));
                throw ApiProblem.invalidFields(refused);
            }
        });
    }

    private static Optional<Map<String, Declared>> accepted(HandlerMethod method) {
        List<MethodParameter> declared = Arrays.stream(method.getMethodParameters())
                .filter(parameter -> parameter.hasParameterAnnotation(RequestParam.class)).toList();
        if (declared.isEmpty() || declared.stream().anyMatch(all -> Map.class.isAssignableFrom(all.getParameterType()))) {
            return Optional.empty();
        }
        Map<String, Declared> accepted = new TreeMap<>();
        declared.forEach(parameter -> {
            Class<?> type = parameter.getParameterType();
            accepted.put(name(parameter), new Declared(type.isArray() || Collection.class.isAssignableFrom(type),
                    WHOLE_NUMBERS.contains(type)));
        });
        return Optional.of(accepted);
    }

    private static String name(MethodParameter parameter) {
        RequestParam annotation = parameter.getParameterAnnotation(RequestParam.class);
        return Stream.of(annotation.name(), annotation.value()).filter(name -> !name.isEmpty()).findFirst()
                .orElse(parameter.getParameter().getName());
    }
}
