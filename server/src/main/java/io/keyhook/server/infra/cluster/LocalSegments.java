package io.keyhook.server.infra.cluster;

import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;

/** Whether this instance processes every segment of a processing group (then it sees every event of it). */
public final class LocalSegments {

    private LocalSegments() {
    }

    public static boolean coverAll(EventProcessingConfiguration processing, String group) {
        return processing.eventProcessor(group, StreamingEventProcessor.class)
                .map(processor -> processor.processingStatus().values().stream()
                        .mapToDouble(LocalSegments::shareOfStream).sum() >= 1.0)
                .orElse(false);
    }

    private static double shareOfStream(EventTrackerStatus status) {
        return 1.0 / (status.getSegment().getMask() + 1);
    }
}
