package io.keyhook.server.account;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

public record SignupRequest(@NotBlank @Size(max = 200) String organization,
                            @NotBlank @Email @Size(max = 254) String email,
                            @NotBlank @Size(min = 8, max = 256) String password) {
}
