package io.keyhook.server.security;

import io.swagger.v3.oas.annotations.Operation;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;

/** Publishes the public half of the token signing key, so other services can verify Keyhook tokens. */
@RestController
public class JwksController {

    private final JwtSigningKey key;

    public JwksController(JwtSigningKey key) {
        this.key = key;
    }

    @Operation(summary = "The public keys that sign login tokens (JWKS)")
    @GetMapping("/.well-known/jwks.json")
    public Map<String, Object> jwks() {
        return key.publicKeys().toJSONObject(true);
    }
}
