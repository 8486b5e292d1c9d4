package io.keyhook.server.infra.postgres;

import io.keyhook.server.SecondApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A data dir of the H2 layout: a clear message, no stack trace, and nothing in it touched. */
@ExtendWith(OutputCaptureExtension.class)
class LegacyDataDirTest {

    @TempDir
    Path dataDir;

    @Test
    void anH2DataDirIsRefusedWithAnExplanationAndLeftAsItWas(CapturedOutput output) throws Exception {
        Files.writeString(dataDir.resolve("keyhook.mv.db"), "an old event store");

        assertThatThrownBy(() -> SecondApplication.start(dataDir))
                .isInstanceOf(LegacyDataDirException.class);

        assertThat(output.getOut() + output.getErr())
                .contains("APPLICATION FAILED TO START")
                .contains("was written by an earlier Keyhook version")
                .contains("Start with a new data directory")
                .doesNotContain("at io.keyhook");
        try (var entries = Files.list(dataDir)) {
            assertThat(entries.map(path -> path.getFileName().toString())).containsExactly("keyhook.mv.db");
        }
        assertThat(Files.readString(dataDir.resolve("keyhook.mv.db"))).isEqualTo("an old event store");
    }
}
