package io.keyhook.server.infra;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;
import org.h2.mvstore.type.ObjectDataType;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Map;

/**
 * Read-model documents in the store's pages as BSON, behind a marker byte, instead of H2's default
 * (Java serialization, which took most of the store's CPU and about ten times the bytes). The marker
 * is none of the tags that H2's {@link ObjectDataType} starts a value with, so values written before
 * (tag 19, then a Java serialization stream) still load; they are written as BSON the next time their
 * page is. A value BSON cannot hold is written the old way.
 */
final class BsonDocumentType extends BasicDataType<Document> {

    /** ObjectDataType's tags are 0-19, 32-49 and 64-119. */
    static final byte MARKER = (byte) 0xB5;
    static final BsonDocumentType INSTANCE = new BsonDocumentType();
    private static final ObjectDataType LEGACY = new ObjectDataType();

    private BsonDocumentType() {
    }

    @Override
    public void write(WriteBuffer buff, Document document) {
        writeBson(buff, document, LEGACY);
    }

    static void writeBson(WriteBuffer buff, Map<String, ?> document, ObjectDataType fallback) {
        ByteBuf out = Unpooled.buffer(512);
        try {
            BsonEncoder.encodeDocument(document, out);
        } catch (IllegalArgumentException notBson) {
            fallback.write(buff, document);
            return;
        }
        buff.put(MARKER).put(out.array(), out.arrayOffset() + out.readerIndex(), out.readableBytes());
    }

    @Override
    public Document read(ByteBuffer buff) {
        if (buff.get(buff.position()) != MARKER) {
            return (Document) LEGACY.read(buff);
        }
        return readBson(buff);
    }

    static Document readBson(ByteBuffer buff) {
        buff.get();
        int length = Integer.reverseBytes(buff.getInt(buff.position()));
        Document document = BsonDecoder.decodeBson(Unpooled.wrappedBuffer(buff.slice(buff.position(), length)));
        buff.position(buff.position() + length);
        return document;
    }

    @Override
    public int compare(Document a, Document b) {
        throw new UnsupportedOperationException("documents are values, not keys");
    }

    /** A rough size on the heap, for the store's page cache and page splits; no encoding. */
    @Override
    public int getMemory(Document document) {
        return estimate(document);
    }

    static int estimate(Object value) {
        if (value instanceof String text) {
            return 40 + 2 * text.length();
        }
        if (value instanceof Map<?, ?> map) {
            int size = 64;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                size += 32 + estimate(entry.getKey()) + estimate(entry.getValue());
            }
            return size;
        }
        if (value instanceof Collection<?> values) {
            int size = 40;
            for (Object element : values) {
                size += 8 + estimate(element);
            }
            return size;
        }
        return 24;
    }

    @Override
    public Document[] createStorage(int size) {
        return new Document[size];
    }
}
