package io.keyhook.server.apikey;

import io.keyhook.api.account.Role;
import io.keyhook.api.apikey.ApiKeyCredentials;
import io.keyhook.api.apikey.Scope;
import org.axonframework.queryhandling.DefaultQueryGateway;
import org.axonframework.queryhandling.SimpleQueryBus;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** What the cache answers for a lookup value after issues, rotations, revocations and stale pushes. */
class ApiKeyCacheTest {

    private static final Instant LATER = Instant.parse("2030-01-01T00:00:00Z");

    private final ApiKeyCache cache = new ApiKeyCache(DefaultQueryGateway.builder()
            .queryBus(SimpleQueryBus.builder().build()).build());

    private static ApiKeyCredentials key(String id, String lookup, String previousLookup, boolean revoked, long version) {
        return new ApiKeyCredentials(id, "org-1", "user-1", Role.ADMIN, Set.of(Scope.ITEMS_READ), "kh_live_" + id,
                lookup, null, previousLookup == null ? null : "kh_live_old", previousLookup, null,
                previousLookup == null ? null : LATER, null, revoked, null, List.of(), version);
    }

    @Test
    void aRotationServesBothSecretsDuringTheGracePeriodAndThenOnlyTheNewOne() {
        cache.apply(key("k1", "first", null, false, 0));
        cache.apply(key("k1", "second", "first", false, 1));

        assertThat(cache.cached("first").credentials().version()).isEqualTo(1);
        assertThat(cache.cached("second").credentials().version()).isEqualTo(1);

        cache.apply(key("k1", "third", null, false, 2));
        assertThat(cache.cached("first")).isNull();
        assertThat(cache.cached("second")).isNull();
        assertThat(cache.cached("third").credentials().version()).isEqualTo(2);
    }

    @Test
    void aRevocationIsWhatTheNextLookupSeesAndAnOlderPushChangesNothing() {
        cache.apply(key("k1", "secret", null, false, 0));
        cache.apply(key("k1", "secret", null, true, 1));
        cache.apply(key("k1", "secret", null, false, 0));

        assertThat(cache.cached("secret").credentials().revoked()).isTrue();
    }

    @Test
    void aHundredThousandKeysEachRotatedKeepOneEntryPerSecretAndTouchNoOtherKey() {
        int keys = 100_000;
        IntStream.range(0, keys).forEach(n -> cache.apply(key("k" + n, "a" + n, null, false, 0)));
        IntStream.range(0, keys).forEach(n -> cache.apply(key("k" + n, "b" + n, "a" + n, false, 1)));
        IntStream.range(0, keys).forEach(n -> cache.apply(key("k" + n, "c" + n, null, n % 2 == 0, 2)));

        IntStream.range(0, keys).forEach(n -> {
            assertThat(cache.cached("a" + n)).isNull();
            assertThat(cache.cached("b" + n)).isNull();
            assertThat(cache.cached("c" + n).credentials().keyId()).isEqualTo("k" + n);
            assertThat(cache.cached("c" + n).credentials().revoked()).isEqualTo(n % 2 == 0);
        });
    }
}
