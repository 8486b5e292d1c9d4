package io.keyhook.server.infra.cluster;

import java.lang.management.ManagementFactory;
import java.util.UUID;

/**
 * This instance's name among those sharing one database: the JVM's {@code pid@host} (what Axon uses
 * by default to claim segments) made unique, since two containers, or two applications in one JVM,
 * can share it and would then both believe they hold the same claims.
 */
public record InstanceId(String value) {

    public static InstanceId create() {
        return new InstanceId(ManagementFactory.getRuntimeMXBean().getName() + "/"
                + UUID.randomUUID().toString().substring(0, 8));
    }
}
