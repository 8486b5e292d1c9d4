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
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The embedded read-model store: mongo-java-server on an H2 MVStore file. The store commits to its
 * file by itself only about once a second, so a kill -9 could lose read-model writes whose tracking
 * token was already stored: the projection would then be behind its token forever. Event processors
 * therefore call {@link #commit()} once per batch, before the batch's token is committed (see
 * {@link EventProcessingConfig}), which returns once the batch is synced to disk; the background
 * commit stays for anything written outside a batch.
 * <p>Documents are stored as BSON ({@link BsonDocumentType}; documents of older files, Java-serialized,
 * still load) and unique-index keys as BSON ordered by value ({@link BsonKeyValueType}). Index maps
 * of that kind have names of their own ({@value #INDEX_MAP_SUFFIX}): on the first start on an older
 * file the index is found empty and is built again from its collection, and the old map is removed.
 * <p>Clients in other JVMs (the storage mode) cannot commit it: with {@code commitEachWrite} every
 * command that may change something is committed and synced to disk before its reply is sent. A
 * commit covers every command that finished before it started, so commands of several connections
 * waiting at the same time share one (group commit).
 * <p>It also answers {@code hello} (the handshake newer drivers and the health check use) as
 * {@code isMaster}.
 */
public class ReadModelBackend extends H2Backend {

    static final String INDEX_MAP_SUFFIX = ".bson";
    /** A map of its own, changed by every durable commit (see {@link #commitDurably}). */
    private static final String DURABLE_COMMITS_MAP = "keyhook.durable-commits";
    /** Commands that change nothing: everything else is committed before its reply when commitEachWrite. */
    private static final Set<String> READ_ONLY_COMMANDS = Set.of("find", "getmore", "count", "distinct",
            "listcollections", "listindexes", "listdatabases", "hello", "ismaster", "buildinfo", "whatsmyuri",
            "ping", "serverstatus", "dbstats", "collstats", "killcursors", "endsessions", "getlasterror",
            "connectionstatus", "hostinfo", "getcmdlineopts", "getfreemonitoringstatus", "getparameter", "getlog",
            "explain", "validate");

    private final boolean commitEachWrite;
    private final AtomicLong finishedWrites = new AtomicLong();
    private final Object durableCommit = new Object();
    /** Every write with a ticket up to this one is on disk. Guarded by {@link #durableCommit}. */
    private long durableThrough;
    private MVMap<Integer, Long> durableCommits;

    /** Pages are compressed (LZF, cheap): documents repeat their field names, and the file is most of what a read model costs on disk. */
    ReadModelBackend(String fileName) {
        this(fileName, false);
    }

    /**
     * @param commitEachWrite commit and sync the file before replying to any command that may have
     *                        changed it; without it the file is committed about once a second and by
     *                        {@link #commit()}
     */
    public ReadModelBackend(String fileName, boolean commitEachWrite) {
        super(new MVStore.Builder().fileName(fileName).compress().open());
        this.commitEachWrite = commitEachWrite;
    }

    @Override
    public Document handleCommand(Channel channel, String databaseName, String command, Document query) {
        String actual = "hello".equalsIgnoreCase(command) ? "ismaster" : command;
        if (!commitEachWrite || !mayWrite(actual, query)) {
            return super.handleCommand(channel, databaseName, actual, query);
        }
        try {
            return super.handleCommand(channel, databaseName, actual, query);
        } finally {
            // Also after a failure: part of a batch may have been written, and the reply reports it.
            commitDurably(finishedWrites.incrementAndGet());
        }
    }

    /**
     * What event processors call once per batch, before their token is stored: the batch's writes
     * are on disk (synced) when it returns, so neither a kill -9 nor a power cut leaves a read model
     * behind its token. Processors committing at the same time share one commit.
     */
    @Override
    public void commit() {
        commitDurably(finishedWrites.incrementAndGet());
    }

    private static boolean mayWrite(String command, Document query) {
        String name = command.toLowerCase(Locale.ROOT);
        if (name.equals("aggregate")) {
            return query.get("pipeline") instanceof List<?> stages && stages.stream()
                    .anyMatch(stage -> stage instanceof Document document
                            && (document.containsKey("$out") || document.containsKey("$merge")));
        }
        return !READ_ONLY_COMMANDS.contains(name);
    }

    /**
     * Makes the write with this ticket durable, and with it every write that finished before this
     * commit began. A commit that finds nothing unsaved returns at once, even while the background
     * writer is still storing the last version: a change of its own makes sure there is something to
     * store, and MVStore stores versions in order.
     */
    private void commitDurably(long ticket) {
        synchronized (durableCommit) {
            if (durableThrough >= ticket) {
                return;
            }
            long covered = finishedWrites.get();
            MVStore store = getMvStore();
            if (durableCommits == null) {
                durableCommits = store.openMap(DURABLE_COMMITS_MAP);
            }
            durableCommits.put(0, covered);
            store.commit();
            store.sync();
            durableThrough = covered;
        }
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
