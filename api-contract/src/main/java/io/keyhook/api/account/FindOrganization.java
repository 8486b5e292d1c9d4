package io.keyhook.api.account;

public record FindOrganization(String organizationId) {
}
