package io.keyhook.server.infra.storage;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StorageSettingsTest {

    @Test
    void withoutSettingsItListensOnLoopbackOnTheStandardPortsWithTheDataInDotData() {
        StorageSettings settings = StorageSettings.parse(new String[]{"--keyhook.mode=storage"}, Map.of());

        assertThat(settings).isEqualTo(new StorageSettings(Path.of("data").toAbsolutePath(), 5432, 27017, "127.0.0.1"));
        assertThat(settings.listenInetAddress().isLoopbackAddress()).isTrue();
    }

    @Test
    void environmentVariablesSetWhatNoFlagSets() {
        StorageSettings settings = StorageSettings.parse(new String[]{"--keyhook.storage.mongo-port=27018"},
                Map.of("KEYHOOK_DATA_DIR", "/srv/keyhook", "KEYHOOK_STORAGE_POSTGRES_PORT", "6543",
                        "KEYHOOK_STORAGE_MONGO_PORT", "1", "KEYHOOK_STORAGE_LISTEN_ADDRESS", "0.0.0.0"));

        assertThat(settings).isEqualTo(new StorageSettings(Path.of("/srv/keyhook"), 6543, 27018, "0.0.0.0"));
        assertThat(settings.listenInetAddress().isAnyLocalAddress()).isTrue();
    }

    @Test
    void aMistypedFlagOrAPortThatIsNoneIsRefusedWithItsName() {
        assertThatThrownBy(() -> StorageSettings.parse(new String[]{"--keyhook.storage.postgres-prot=5433"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--keyhook.storage.postgres-prot=5433");
        assertThatThrownBy(() -> StorageSettings.parse(new String[]{"--server.port=8080"}, Map.of()))
                .hasMessageContaining("--server.port=8080");
        assertThatThrownBy(() -> StorageSettings.parse(new String[0], Map.of("KEYHOOK_STORAGE_MONGO_PORT", "70000")))
                .hasMessageContaining("keyhook.storage.mongo-port").hasMessageContaining("70000");
        assertThatThrownBy(() -> StorageSettings.parse(new String[]{"--keyhook.storage.postgres-port=five"}, Map.of()))
                .hasMessageContaining("keyhook.storage.postgres-port").hasMessageContaining("five");
    }
}
