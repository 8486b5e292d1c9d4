package io.keyhook.api.account;

public record OrganizationCreated(String organizationId, String name, String createdBy) {
}
