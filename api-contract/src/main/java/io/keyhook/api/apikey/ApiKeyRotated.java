package io.keyhook.api.apikey;

import java.time.Instant;

/** The previous secret stays valid until {@code previousValidUntil}; {@code null} means not at all. */
public record ApiKeyRotated(String keyId, String organizationId, String prefix, String lookup, String verifier,
                            String previousPrefix, String previousLookup, String previousVerifier,
                            Instant previousValidUntil) {
}
