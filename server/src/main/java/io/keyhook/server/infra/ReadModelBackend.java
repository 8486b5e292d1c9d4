package io.keyhook.server.infra;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.AbstractUniqueIndex;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import java.util.List;
import java.util.Map;

/**
 * The embedded read-model store: mongo-java-server on an H2 MVStore file. The store commits to its
 * file by itself only about once a second, so a kill -9 could lose read-model writes whose tracking
 * token was already stored: the projection would then be behind its token forever. Event processors
 * therefore call {@link #commit()} once per batch, before the batch's token is committed (see
 * {@link EventProcessingConfig}); the background commit stays for anything written outside a batch.
 * <p>Documents are stored as BSON ({@link BsonDocumentType}; documents of older files, Java-serialized,
 * still load) and unique-index keys as BSON ordered by value ({@link BsonKeyValueType}). Index maps
 * of that kind have names of their own ({@value #INDEX_MAP_SUFFIX}): on the first start on an older
 * file the index is found empty and is built again from its collection, and the old map is removed.
 * <p>It also answers {@code hello} (the handshake newer drivers and the health check use) as
 * {@code isMaster}.
 */
public class ReadModelBackend extends H2Backend {

    static final String INDEX_MAP_SUFFIX = ".bson";

    /** Pages are compressed (LZF, cheap): documents repeat their field names, and the file is most of what a read model costs on disk. */
    ReadModelBackend(String fileName) {
        super(new MVStore.Builder().fileName(fileName).compress().open());
    }

    @Override
    public Document handleCommand(Channel channel, String databaseName, String command, Document query) {
        if ("hello".equalsIgnoreCase(command)) {
            return super.handleCommand(channel, databaseName, "ismaster", query);
        }
        return super.handleCommand(channel, databaseName, command, query);
    }

    @Override
    protected MongoDatabase openOrCreateDatabase(String databaseName) {
        return new ReadModelDatabase(databaseName, getMvStore(), getCursorRegistry());
    }

    /**
     * H2's database with its maps typed as above. H2Database keeps its store to itself and opens its
     * collections and indexes from its constructor, before a field of a subclass is set: the maps are
     * opened on the store of the enclosing backend.
     */
    private final class ReadModelDatabase extends H2Database {

        ReadModelDatabase(String databaseName, MVStore store, CursorRegistry cursorRegistry) {
            super(databaseName, store, cursorRegistry);
        }

        @Override
        protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
            String fullName = getFullCollectionNamespace(collectionName);
            MVStore store = getMvStore();
            MVMap<Object, Document> data = store.openMap(DATABASES_PREFIX + fullName,
                    new MVMap.Builder<Object, Document>().valueType(BsonDocumentType.INSTANCE));
            MVMap<String, Object> meta = store.openMap(META_PREFIX + fullName);
            return new H2Collection(this, collectionName, options, data, meta, cursorRegistry);
        }

        @Override
        protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName, List<IndexKey> keys,
                                                        boolean sparse) {
            MVStore store = getMvStore();
            String legacyName = legacyIndexMapName(collectionName, indexName);
            if (store.hasMap(legacyName)) {
                store.removeMap(legacyName);
            }
            MVMap<KeyValue, Object> map = store.openMap(legacyName + INDEX_MAP_SUFFIX,
                    new MVMap.Builder<KeyValue, Object>().keyType(BsonKeyValueType.INSTANCE));
            return new UniqueIndex(map, indexName, keys, sparse);
        }

        @Override
        protected void dropIndex(MongoCollection<Object> collection, String indexName) {
            super.dropIndex(collection, indexName);
            getMvStore().removeMap(legacyIndexMapName(collection.getCollectionName(), indexName) + INDEX_MAP_SUFFIX);
        }

        /** The name H2Database gives an index's map. */
        private String legacyIndexMapName(String collectionName, String indexName) {
            return getFullCollectionNamespace(collectionName) + "._index_" + indexName;
        }
    }

    /** The names H2Database gives a collection's maps. */
    private static final String DATABASES_PREFIX = "databases.";
    private static final String META_PREFIX = "meta.";

    /** H2's unique index over a map typed by {@link BsonKeyValueType} (H2's own index class cannot be made elsewhere). */
    private static final class UniqueIndex extends AbstractUniqueIndex<Object> {

        private final MVMap<KeyValue, Object> map;

        UniqueIndex(MVMap<KeyValue, Object> map, String name, List<IndexKey> keys, boolean sparse) {
            super(name, keys, sparse);
            this.map = map;
        }

        @Override
        protected Object removeDocument(KeyValue keyValue) {
            return map.remove(keyValue);
        }

        @Override
        protected boolean putKeyPosition(KeyValue keyValue, Object position) {
            return map.putIfAbsent(keyValue, Missing.ofNullable(position)) == null;
        }

        @Override
        protected Iterable<Map.Entry<KeyValue, Object>> getIterable() {
            return map.entrySet();
        }

        @Override
        protected Object getPosition(KeyValue keyValue) {
            return map.get(keyValue);
        }

        @Override
        public long getCount() {
            return map.sizeAsLong();
        }

        @Override
        public boolean isEmpty() {
            return map.isEmpty();
        }

        @Override
        public long getDataSize() {
            return getCount();
        }
    }
}
