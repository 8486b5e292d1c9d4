package io.keyhook.server.web;

import io.keyhook.server.apikey.PresentedKey;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * An endpoint that takes query parameters (the lists and their filters) takes only the ones its
 * method declares with {@code @RequestParam}: {@code ?state=failed} where the filter is
 * {@code status} is a 400 naming {@code state}, not a silently unfiltered list. WebFlux has no
 * handler interceptors; an advice's model attribute method runs before every handler method, once
 * the method is matched.
 */
@ControllerAdvice(basePackages = "io.keyhook.server")
public class DeclaredQueryParameters {

    @ModelAttribute
    public void refuseUndeclared(ServerWebExchange exchange) {
        Set<String> sent = exchange.getRequest().getQueryParams().keySet();
        if (sent.isEmpty() || !(exchange.getAttribute(HandlerMapping.BEST_MATCHING_HANDLER_ATTRIBUTE)
                instanceof HandlerMethod method)) {
            return;
        }
        List<MethodParameter> declared = Arrays.stream(method.getMethodParameters())
                .filter(parameter -> parameter.hasParameterAnnotation(RequestParam.class)).toList();
        if (declared.isEmpty() || declared.stream().anyMatch(all -> Map.class.isAssignableFrom(all.getParameterType()))) {
            return;
        }
        List<String> accepted = declared.stream().map(DeclaredQueryParameters::name).sorted().toList();
        List<FieldProblem> unknown = sent.stream()
                // the API key, where keyhook.api-keys.allow-query-param lets a request carry it there
                .filter(name -> !accepted.contains(name) && !name.equals(PresentedKey.QUERY_PARAM)).sorted()
                .map(name -> new FieldProblem(name, "unknown query parameter; this endpoint takes "
                        + String.join(", ", accepted)))
                .toList();
        if (!unknown.isEmpty()) {
            throw ApiProblem.invalidFields(unknown);
        }
    }

    private static String name(MethodParameter parameter) {
        RequestParam annotation = parameter.getParameterAnnotation(RequestParam.class);
        return Stream.of(annotation.name(), annotation.value()).filter(name -> !name.isEmpty()).findFirst()
                .orElse(parameter.getParameter().getName());
    }
}
