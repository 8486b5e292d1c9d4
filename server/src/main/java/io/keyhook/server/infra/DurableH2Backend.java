package io.keyhook.server.infra;

import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;

import java.util.Locale;
import java.util.Set;

/**
 * mongo-java-server's H2 backend commits to its file only about once a second, so a kill -9 would
 * lose writes the client was told had succeeded. This one commits after every write command. It also
 * answers {@code hello} (the handshake newer clients and the health check use) as {@code isMaster}.
 */
class DurableH2Backend extends H2Backend {

    private static final Set<String> WRITE_COMMANDS = Set.of("insert", "update", "delete", "findandmodify",
            "create", "createindexes", "dropindexes", "drop", "dropdatabase", "renamecollection");

    DurableH2Backend(String fileName) {
        super(fileName);
    }

    @Override
    public Document handleCommand(Channel channel, String databaseName, String command, Document query) {
        if ("hello".equalsIgnoreCase(command)) {
            return super.handleCommand(channel, databaseName, "ismaster", query);
        }
        Document response = super.handleCommand(channel, databaseName, command, query);
        if (WRITE_COMMANDS.contains(command.toLowerCase(Locale.ROOT))) {
            commit();
        }
        return response;
    }
}
