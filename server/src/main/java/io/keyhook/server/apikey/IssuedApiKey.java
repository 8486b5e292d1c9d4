package io.keyhook.server.apikey;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.keyhook.api.apikey.ApiKeyView;

/** The only response that ever carries a key in plaintext: after issue and rotation, once. */
public record IssuedApiKey(String key, @JsonUnwrapped ApiKeyView apiKey) {

    @Override
    public String toString() {
        return "IssuedApiKey[" + apiKey + "]";
    }
}
