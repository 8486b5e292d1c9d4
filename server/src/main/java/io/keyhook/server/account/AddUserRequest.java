package io.keyhook.server.account;

import io.keyhook.api.account.Role;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

public record AddUserRequest(@NotBlank @Email @Size(max = 254) String email,
                             @NotBlank @Size(min = 8, max = 256) String password,
                             @NotNull Role role) {
}
