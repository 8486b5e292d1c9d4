package io.keyhook.server;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class KeyhookApplicationModeTest {

    @Test
    void theServerUnlessTheFlagOrElseTheEnvironmentSaysOtherwise() {
        assertThat(KeyhookApplication.mode(new String[]{"--server.port=8080"}, Map.of())).isEqualTo("server");
        assertThat(KeyhookApplication.mode(new String[0], Map.of("KEYHOOK_MODE", "Storage"))).isEqualTo("storage");
        assertThat(KeyhookApplication.mode(new String[]{"--keyhook.mode=server"}, Map.of("KEYHOOK_MODE", "storage")))
                .isEqualTo("server");
        assertThat(KeyhookApplication.mode(new String[]{"--keyhook.mode=backup"}, Map.of())).isEqualTo("backup");
    }
}
