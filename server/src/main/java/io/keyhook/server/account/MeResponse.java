package io.keyhook.server.account;

import io.keyhook.api.account.Role;
import io.keyhook.api.apikey.Scope;

import java.util.Set;

public record MeResponse(String organizationId, String organizationName, String userId, String email, Role role,
                         String authenticatedBy, String keyId, Set<Scope> scopes) {
}
