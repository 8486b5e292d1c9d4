package io.keyhook.server.web;

import io.keyhook.server.apikey.PresentedKey;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.server.ServerWebExchange;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * An endpoint that takes query parameters (the lists and their filters) takes only the ones its
 * method declares with {@code @RequestParam}: {@code ?state=failed} where the filter is
 * {@code status} is a 400 naming {@code state}, not a silently unfiltered list. WebFlux has no
 * handler interceptors: {@link ApiHandlerMapping} runs the check where the request mapping has
 * matched the method (a model attribute advice would build and invoke a handler method of its own on
 * every request).
 */
final class DeclaredQueryParameters {

    /** Per handler method: the names it declares, or nothing when it takes any (a map) or none. */
    private final Map<Method, Optional<List<String>>> acceptedByMethod = new ConcurrentHashMap<>();

    void refuseUndeclared(ServerWebExchange exchange, HandlerMethod method) {
        Set<String> sent = exchange.getRequest().getQueryParams().keySet();
        if (sent.isEmpty()) {
            return;
        }
        acceptedByMethod.computeIfAbsent(method.getMethod(), declared -> accepted(method)).ifPresent(accepted -> {
            List<FieldProblem> unknown = sent.stream()
                    // the API key, where keyhook.api-keys.allow-query-param lets a request carry it there
                    .filter(name -> !accepted.contains(name) && !name.equals(PresentedKey.QUERY_PARAM)).sorted()
                    .map(name -> new FieldProblem(name, "unknown query parameter; this endpoint takes "
                            + String.join(", ", accepted)))
                    .toList();
            if (!unknown.isEmpty()) {
                throw ApiProblem.invalidFields(unknown);
            }
        });
    }

    private static Optional<List<String>> accepted(HandlerMethod method) {
        List<MethodParameter> declared = Arrays.stream(method.getMethodParameters())
                .filter(parameter -> parameter.hasParameterAnnotation(RequestParam.class)).toList();
        if (declared.isEmpty() || declared.stream().anyMatch(all -> Map.class.isAssignableFrom(all.getParameterType()))) {
            return Optional.empty();
        }
        return Optional.of(declared.stream().map(DeclaredQueryParameters::name).sorted().toList());
    }

    private static String name(MethodParameter parameter) {
        RequestParam annotation = parameter.getParameterAnnotation(RequestParam.class);
        return Stream.of(annotation.name(), annotation.value()).filter(name -> !name.isEmpty()).findFirst()
                .orElse(parameter.getParameter().getName());
    }
}
