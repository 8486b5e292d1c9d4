package io.keyhook.server.infra;

import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;

/**
 * The embedded read-model store: mongo-java-server on an H2 MVStore file. The store commits to its
 * file by itself only about once a second, so a kill -9 could lose read-model writes whose tracking
 * token was already stored: the projection would then be behind its token forever. Event processors
 * therefore call {@link #commit()} once per batch, before the batch's token is committed (see
 * {@link EventProcessingConfig}); the background commit stays for anything written outside a batch.
 * <p>It also answers {@code hello} (the handshake newer drivers and the health check use) as
 * {@code isMaster}.
 */
public class ReadModelBackend extends H2Backend {

    ReadModelBackend(String fileName) {
        super(fileName);
    }

    @Override
    public Document handleCommand(Channel channel, String databaseName, String command, Document query) {
        if ("hello".equalsIgnoreCase(command)) {
            return super.handleCommand(channel, databaseName, "ismaster", query);
        }
        return super.handleCommand(channel, databaseName, command, query);
    }
}
