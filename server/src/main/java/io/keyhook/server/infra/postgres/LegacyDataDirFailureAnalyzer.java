package io.keyhook.server.infra.postgres;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Says what to do about a data dir of the old layout, in place of a stack trace. */
class LegacyDataDirFailureAnalyzer extends AbstractFailureAnalyzer<LegacyDataDirException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, LegacyDataDirException cause) {
        return new FailureAnalysis(
                "The data directory " + cause.dataDir() + " was written by an earlier Keyhook version: its event store is"
                        + " an H2 file (" + LegacyDataDirException.H2_EVENT_STORE + "). This version keeps events,"
                        + " tokens, sagas and deadlines in PostgreSQL (" + cause.dataDir().resolve(EmbeddedPostgresServer.DIRECTORY)
                        + ") and does not read or convert the H2 file.",
                "Start with a new data directory (--keyhook.data-dir or KEYHOOK_DATA_DIR), or move the old one aside"
                        + " to keep it. Nothing in it was changed.",
                cause);
    }
}
