package io.keyhook.server.infra.cluster;

import io.keyhook.server.SecondApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An instance of a cluster that would start stores of its own refuses to start, and starts none. */
class UnsharedStoresTest {

    @TempDir
    Path dataDir;

    @Test
    void thePostgresProfileWithoutSharedStoresIsRefused() {
        assertThatThrownBy(() -> SecondApplication.start(dataDir, "--spring.profiles.active=postgres").close())
                .hasMessageContaining("missing: keyhook.postgres.url, spring.data.mongodb.uri");
        assertThat(dataDir.resolve("postgres")).doesNotExist();
    }
}
