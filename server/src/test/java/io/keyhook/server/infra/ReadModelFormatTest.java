package io.keyhook.server.infra;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The read-model file: documents and index keys written as BSON, and a file of the earlier format
 * (H2's default, Java serialization) opened by this store, serving its documents and its unique
 * indexes as before.
 */
class ReadModelFormatTest {

    private static final byte[] JAVA_SERIALIZATION = {(byte) 0xAC, (byte) 0xED};

    @TempDir
    Path dir;

    @Test
    void aFileOfTheEarlierFormatOpensAndServesItsDocumentsAndIndexes() throws IOException {
        Path file = dir.resolve("readmodels.mv");
        serve(new H2Backend(file.toString()), things -> {
            things.createIndex(Indexes.ascending("sku"), new IndexOptions().unique(true));
            things.insertMany(documents(0, 200));
        });
        assertThat(indexOf(Files.readAllBytes(file), JAVA_SERIALIZATION)).as("the earlier format").isNotNegative();

        serve(new ReadModelBackend(file.toString()), things -> {
            assertThat(things.find().sort(Sorts.ascending("_id")).into(new ArrayList<>())).isEqualTo(documents(0, 200));
            assertThat(things.find(Filters.eq("_id", "thing-0042")).first()).isEqualTo(documents(42, 43).get(0));
            assertThatThrownBy(() -> things.insertOne(new Document("_id", "other").append("sku", "SKU-7")))
                    .isInstanceOfSatisfying(MongoWriteException.class, duplicate ->
                            assertThat(duplicate.getError().getCategory()).isEqualTo(ErrorCategory.DUPLICATE_KEY));
            things.updateOne(Filters.eq("_id", "thing-0007"), Updates.set("quantity", 70));
            things.insertMany(documents(200, 300));
        });

        serve(new ReadModelBackend(file.toString()), things -> {
            List<Document> expected = documents(0, 300);
            expected.get(7).put("quantity", 70);
            assertThat(things.find().sort(Sorts.ascending("_id")).into(new ArrayList<>())).isEqualTo(expected);
            assertThat(things.countDocuments(Filters.eq("sku", "SKU-250"))).isEqualTo(1);
            assertThatThrownBy(() -> things.insertOne(new Document("_id", "again").append("sku", "SKU-250")))
                    .isInstanceOf(MongoWriteException.class);
        });
    }

    @Test
    void aNewFileHoldsNoJavaSerialization() throws IOException {
        Path file = dir.resolve("readmodels.mv");
        serve(new ReadModelBackend(file.toString()), things -> {
            things.createIndex(Indexes.ascending("sku"), new IndexOptions().unique(true));
            things.insertMany(documents(0, 500));
            things.deleteOne(Filters.eq("_id", "thing-0003"));
        });

        assertThat(indexOf(Files.readAllBytes(file), JAVA_SERIALIZATION)).isNegative();
        serve(new ReadModelBackend(file.toString()), things -> {
            assertThat(things.countDocuments()).isEqualTo(499);
            assertThat(things.find(Filters.eq("sku", "SKU-499")).first()).isEqualTo(documents(499, 500).get(0));
        });
    }

    @Test
    void aDroppedCollectionTakesItsIndexesWithIt() {
        Path file = dir.resolve("readmodels.mv");
        serve(new ReadModelBackend(file.toString()), things -> {
            things.createIndex(Indexes.ascending("sku"), new IndexOptions().unique(true));
            things.insertMany(documents(0, 50));
            things.drop();
            things.insertMany(documents(0, 50));
        });
        serve(new ReadModelBackend(file.toString()), things -> {
            assertThat(things.countDocuments()).isEqualTo(50);
            things.drop();
            things.insertMany(documents(0, 10));
            assertThat(things.countDocuments(Filters.eq("_id", "thing-0003"))).isEqualTo(1);
        });
    }

    /** Documents with the value types the read models hold. */
    private static List<Document> documents(int from, int to) {
        List<Document> documents = new ArrayList<>();
        for (int i = from; i < to; i++) {
            documents.add(new Document("_id", String.format("thing-%04d", i))
                    .append("sku", "SKU-" + i)
                    .append("quantity", i)
                    .append("position", 10_000_000_000L + i)
                    .append("share", i / 8.0)
                    .append("active", i % 2 == 0)
                    .append("at", new Date(1_780_000_000_000L + i))
                    .append("note", i % 3 == 0 ? null : "ü-" + i)
                    .append("counts", new Document("ok", (long) i).append("denied", 2L))
                    .append("attempts", List.of(new Document("number", 1).append("status", 500),
                            new Document("number", 2).append("status", 200))));
        }
        return documents;
    }

    private static void serve(H2Backend backend, Consumer<MongoCollection<Document>> use) {
        MongoServer server = new MongoServer(backend);
        InetSocketAddress address = server.bind();
        try (MongoClient client = MongoClients.create("mongodb://" + address.getHostString() + ":" + address.getPort())) {
            use.accept(client.getDatabase("keyhook").getCollection("things"));
            backend.commit();
        } finally {
            server.shutdownNow();
        }
    }

    private static int indexOf(byte[] data, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= data.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (data[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
