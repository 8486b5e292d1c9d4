package io.keyhook.server.web;

import org.springframework.boot.autoconfigure.web.reactive.WebFluxRegistrations;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.server.ServerWebExchange;

import java.lang.reflect.Method;

/**
 * The request mapping, with two rules for the application's own handlers that must hold before a
 * handler runs: a handler that declares no {@code produces} answers JSON, so a request whose
 * {@code Accept} rules JSON out is a 406 before anything is done (not after a write was made); and a
 * handler takes only the query parameters it declares ({@link DeclaredQueryParameters}).
 */
@Configuration(proxyBeanMethods = false)
public class ApiHandlerMapping implements WebFluxRegistrations {

    static final String OWN_HANDLERS = "io.keyhook.server.";

    private final DeclaredQueryParameters queryParameters = new DeclaredQueryParameters();

    @Override
    public RequestMappingHandlerMapping getRequestMappingHandlerMapping() {
        return new RequestMappingHandlerMapping() {
            @Override
            protected RequestMappingInfo getMappingForMethod(Method method, Class<?> handlerType) {
                RequestMappingInfo info = super.getMappingForMethod(method, handlerType);
                if (info == null || !isOwn(handlerType) || !info.getProducesCondition().isEmpty()) {
                    return info;
                }
                return info.mutate().produces(MediaType.APPLICATION_JSON_VALUE).build();
            }

            @Override
            protected void handleMatch(RequestMappingInfo info, HandlerMethod handlerMethod,
                                       ServerWebExchange exchange) {
                super.handleMatch(info, handlerMethod, exchange);
                if (isOwn(handlerMethod.getBeanType())) {
                    queryParameters.refuseUndeclared(exchange, handlerMethod);
                }
            }
        };
    }

    static boolean isOwn(Class<?> handlerType) {
        return handlerType.getName().startsWith(OWN_HANDLERS);
    }
}
