package io.keyhook.server.infra.cluster;

import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.WrappedToken;
import org.axonframework.eventhandling.tokenstore.jdbc.TokenSchema;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;
import java.util.List;
import java.util.Optional;

/**
 * Where a processing group stands in the shared token store, read without claiming any segment: the
 * lowest position over its segments. A follower starting there misses no change that the read model
 * does not hold yet.
 */
final class ProjectionPositions {

    private final JdbcTemplate jdbc;
    private final TokenSchema schema;
    private final Serializer serializer;

    ProjectionPositions(DataSource dataSource, TokenSchema schema, Serializer serializer) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.schema = schema;
        this.serializer = serializer;
    }

    /** Empty when the group has not stored a position yet, or one of its segments has none (it starts at the tail). */
    Optional<TrackingToken> lowestOf(String group) {
        List<TrackingToken> positions = jdbc.query("SELECT " + schema.tokenColumn() + ", " + schema.tokenTypeColumn()
                        + " FROM " + schema.tokenTable() + " WHERE " + schema.processorNameColumn() + " = ?",
                (row, index) -> {
                    byte[] token = row.getBytes(1);
                    String type = row.getString(2);
                    return token == null || type == null ? null : WrappedToken.unwrapLowerBound(serializer.deserialize(
                            new SimpleSerializedObject<>(token, byte[].class, type, null)));
                }, group);
        if (positions.isEmpty() || positions.contains(null)) {
            return Optional.empty();
        }
        return positions.stream().reduce(TrackingToken::lowerBound);
    }
}
