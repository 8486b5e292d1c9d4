package io.keyhook.server.infra;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.bson.Document;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;
import org.h2.mvstore.type.ObjectDataType;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The keys of unique indexes as BSON, ordered by their values. H2's default orders keys it cannot
 * compare (a {@link KeyValue} is not {@code Comparable}) by their Java serializations, so it
 * serialized two keys for every comparison of every index lookup: the store's largest CPU cost.
 * Indexes of this type live in maps of their own (see {@link ReadModelBackend}), so no page holds
 * keys in the old order.
 */
final class BsonKeyValueType extends BasicDataType<KeyValue> {

    static final BsonKeyValueType INSTANCE = new BsonKeyValueType();
    private static final ObjectDataType LEGACY = new ObjectDataType();
    private static final ValueComparator VALUES = ValueComparator.ascWithoutListHandling();
    private static final String VALUES_FIELD = "k";

    private BsonKeyValueType() {
    }

    @Override
    public int compare(KeyValue a, KeyValue b) {
        int common = Math.min(a.size(), b.size());
        for (int i = 0; i < common; i++) {
            int order = VALUES.compare(a.get(i), b.get(i));
            if (order != 0) {
                return order;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    @Override
    public void write(WriteBuffer buff, KeyValue key) {
        List<Object> values = new ArrayList<>(key.size());
        key.forEach(values::add);
        Document wrapper = new Document(VALUES_FIELD, values);
        BsonDocumentType.writeBson(buff, wrapper, LEGACY);
    }

    @Override
    public KeyValue read(ByteBuffer buff) {
        Object value = buff.get(buff.position()) == BsonDocumentType.MARKER
                ? BsonDocumentType.readBson(buff) : LEGACY.read(buff);
        if (value instanceof KeyValue key) {
            return key;
        }
        return new KeyValue((List<?>) ((Document) value).get(VALUES_FIELD));
    }

    @Override
    public int getMemory(KeyValue key) {
        int size = 48;
        for (Object value : key) {
            size += 8 + BsonDocumentType.estimate(value);
        }
        return size;
    }

    @Override
    public KeyValue[] createStorage(int size) {
        return new KeyValue[size];
    }
}
