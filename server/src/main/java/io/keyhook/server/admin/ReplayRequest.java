package io.keyhook.server.admin;

import jakarta.validation.constraints.NotBlank;

public record ReplayRequest(@NotBlank String processingGroup) {
}
