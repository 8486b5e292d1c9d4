package io.keyhook.api.account;

public record FindUserCredentials(String email) {
}
