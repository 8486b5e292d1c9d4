package io.keyhook.server.infra.postgres;

import java.nio.file.Path;

/** The data dir holds the event store of an earlier version (an H2 file), which this one does not read. */
public class LegacyDataDirException extends RuntimeException {

    static final String H2_EVENT_STORE = "keyhook.mv.db";

    private final Path dataDir;

    LegacyDataDirException(Path dataDir) {
        super("the data dir " + dataDir + " holds an H2 event store (" + H2_EVENT_STORE + ") of an earlier version");
        this.dataDir = dataDir;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Refuses a data dir in the old layout, before anything is started or written in it. */
    public static void refuseLegacyLayout(Path dataDir) {
        if (java.nio.file.Files.exists(dataDir.resolve(H2_EVENT_STORE))) {
            throw new LegacyDataDirException(dataDir);
        }
    }
}
