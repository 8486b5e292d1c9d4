package io.keyhook.server.infra;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.Updates;
import de.bwaldvogel.mongo.MongoServer;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The read-model store of the storage mode, whose clients cannot commit it: what the file holds at
 * the moment a write's reply arrives is what a kill -9 would leave, so a copy taken then must show
 * the write.
 */
class ReadModelDurabilityTest {

    @TempDir
    Path dir;

    private Path file;
    private ReadModelBackend backend;
    private MongoServer server;
    private MongoClient client;
    private int snapshots;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.shutdownNow();
        }
    }

    @Test
    void everyKindOfWriteIsInTheFileWhenItsReplyArrives() throws Exception {
        MongoDatabase database = serve();
        MongoCollection<Document> things = database.getCollection("things");

        things.insertOne(new Document("_id", "a").append("n", 1).append("sku", "A"));
        onDisk(keyhook -> assertThat(keyhook.getCollection("things").find(Filters.eq("_id", "a")).first())
                .containsEntry("n", 1));

        things.updateOne(Filters.eq("_id", "a"), Updates.set("n", 2));
        onDisk(keyhook -> assertThat(keyhook.getCollection("things").find().first()).containsEntry("n", 2));

        things.findOneAndUpdate(Filters.eq("_id", "a"), Updates.inc("n", 1));
        onDisk(keyhook -> assertThat(keyhook.getCollection("things").find().first()).containsEntry("n", 3));

        things.createIndex(Indexes.ascending("sku"), new IndexOptions().unique(true).name("sku"));
        onDisk(keyhook -> assertThat(keyhook.getCollection("things").listIndexes())
                .extracting(index -> index.getString("name")).contains("sku"));

        things.bulkWrite(List.of(new InsertOneModel<>(new Document("_id", "b").append("sku", "B")),
                new InsertOneModel<>(new Document("_id", "c").append("sku", "C")),
                new DeleteOneModel<>(Filters.eq("_id", "a"))));
        onDisk(keyhook -> assertThat(keyhook.getCollection("things").find()).extracting(thing -> thing.getString("_id"))
                .containsExactlyInAnyOrder("b", "c"));

        things.replaceOne(Filters.eq("_id", "c"), new Document("sku", "C").append("replaced", true));
        things.deleteOne(Filters.eq("_id", "b"));
        onDisk(keyhook -> assertThat(keyhook.getCollection("things").find()).singleElement()
                .satisfies(thing -> assertThat(thing).containsEntry("replaced", true)));

        things.aggregate(List.of(new Document("$match", new Document()), new Document("$out", "copies"))).toCollection();
        // Only its name: H2's backend moves the $out collection's documents to a map under the old name
        // (mongo-java-server 1.47.0, H2Database.moveCollection), a reopened file shows it empty.
        onDisk(keyhook -> assertThat(keyhook.listCollectionNames()).contains("copies"));

        database.getCollection("copies").drop();
        onDisk(keyhook -> assertThat(keyhook.listCollectionNames()).doesNotContain("copies"));
    }

    @Test
    void writesOfConnectionsAtTheSameTimeAreAllInTheFileWhenTheirRepliesArrive() throws Exception {
        serve();
        String uri = uri();
        ExecutorService writers = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int writer = 0; writer < 8; writer++) {
                int first = writer * 50;
                done.add(writers.submit(() -> {
                    try (MongoClient own = MongoClients.create(uri)) {
                        MongoCollection<Document> things = own.getDatabase("keyhook").getCollection("things");
                        IntStream.range(first, first + 50).forEach(id -> things.insertOne(new Document("_id", id)));
                    }
                }));
            }
            for (Future<?> writes : done) {
                writes.get(60, TimeUnit.SECONDS);
            }
        } finally {
            writers.shutdownNow();
        }
        onDisk(keyhook -> assertThat(keyhook.getCollection("things").countDocuments()).isEqualTo(400));
    }

    @Test
    void readsLeaveTheFileAlone() throws Exception {
        MongoCollection<Document> things = serve().getCollection("things");
        things.insertMany(List.of(new Document("_id", 1), new Document("_id", 2)));
        long version = backend.getMvStore().getCurrentVersion();

        for (int round = 0; round < 20; round++) {
            assertThat(things.find().into(new ArrayList<>())).hasSize(2);
            assertThat(things.countDocuments()).isEqualTo(2);
            assertThat(things.aggregate(List.of(new Document("$match", new Document("_id", 1)))).into(new ArrayList<>()))
                    .hasSize(1);
        }

        assertThat(backend.getMvStore().getCurrentVersion()).isEqualTo(version);
    }

    private MongoDatabase serve() {
        file = dir.resolve("readmodels.mv");
        backend = new ReadModelBackend(file.toString(), true);
        server = new MongoServer(backend);
        server.bind();
        client = MongoClients.create(uri());
        return client.getDatabase("keyhook");
    }

    private String uri() {
        InetSocketAddress address = server.getLocalAddress();
        return "mongodb://" + address.getHostString() + ":" + address.getPort();
    }

    /** Opens a copy of the file as it is now, the way a restart after a kill -9 opens it. */
    private void onDisk(Consumer<MongoDatabase> check) throws Exception {
        Path copy = dir.resolve("snapshot-" + ++snapshots + ".mv");
        Files.copy(file, copy);
        MongoServer reader = new MongoServer(new ReadModelBackend(copy.toString()));
        InetSocketAddress address = reader.bind();
        try (MongoClient readerClient = MongoClients.create("mongodb://" + address.getHostString() + ":" + address.getPort())) {
            check.accept(readerClient.getDatabase("keyhook"));
        } finally {
            reader.shutdownNow();
        }
    }
}
