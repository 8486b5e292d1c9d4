package io.keyhook.query.common;

import io.keyhook.api.common.FindProjectedVersion;
import org.axonframework.queryhandling.QueryUpdateEmitter;

/** Tells waiting writers that a projection has caught up with an aggregate. */
public final class ProjectedVersions {

    private ProjectedVersions() {
    }

    public static void announce(QueryUpdateEmitter emitter, String queryName, String aggregateId, long version) {
        emitter.emit(message -> queryName.equals(message.getQueryName())
                        && message.getPayload() instanceof FindProjectedVersion query
                        && query.aggregateId().equals(aggregateId),
                version);
    }
}
