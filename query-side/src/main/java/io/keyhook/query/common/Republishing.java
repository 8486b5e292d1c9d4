package io.keyhook.query.common;

import org.axonframework.config.ProcessingGroup;

import java.util.Map;
import java.util.Set;

/**
 * A projection whose pushes (subscription-query updates, version announcements, in-memory indexes)
 * reach only the instance that projected the event. With several instances, each one follows the
 * event stream and has the projection push again, here, what it stored elsewhere.
 */
public interface Republishing {

    /** The group its class is assigned to ({@link ProcessingGroup}). */
    default String processingGroup() {
        ProcessingGroup group = getClass().getAnnotation(ProcessingGroup.class);
        if (group == null) {
            throw new IllegalStateException(getClass() + " names no processing group");
        }
        return group.value();
    }

    /**
     * Pushes, to this instance's subscribers, each document as the read model now holds it, if it
     * carries at least the wanted version (the sequence number of the newest event followed for it);
     * the ids of those that do not yet (their projection lags), which are not pushed.
     */
    Set<String> republish(Map<String, Long> wantedVersions);
}
