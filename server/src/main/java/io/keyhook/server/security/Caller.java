package io.keyhook.server.security;

import io.keyhook.api.account.Role;
import io.keyhook.api.apikey.Scope;
import io.keyhook.server.web.ApiProblem;

import java.util.Set;

/**
 * Who is calling: the organization everything is scoped to, the user, and what this credential may
 * do. {@code keyId} is set when the caller authenticated with an API key.
 */
public record Caller(String organizationId, String userId, Role role, String authenticatedBy, String keyId,
                     Set<Scope> scopes) {

    public static final String BY_JWT = "jwt";
    public static final String BY_API_KEY = "api_key";

    public Caller require(Scope scope) {
        if (!scopes.contains(scope)) {
            throw ApiProblem.missingScope(scope);
        }
        return this;
    }

    public Caller requireAdmin() {
        if (role != Role.ADMIN) {
            throw ApiProblem.forbidden("admin-only", "this request needs the admin role");
        }
        return require(Scope.ADMIN);
    }
}
