package io.keyhook.query.common;

/**
 * A processing group's read model was rebuilt aside and swapped in (its processor was paused
 * meanwhile): what is held in memory from it must be taken again from the read model.
 */
public record ReadModelRebuilt(String processingGroup) {
}
