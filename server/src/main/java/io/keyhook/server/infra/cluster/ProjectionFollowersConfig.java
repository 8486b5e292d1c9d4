package io.keyhook.server.infra.cluster;

import io.keyhook.query.common.Republishing;
import org.axonframework.config.Configuration;
import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.eventhandling.tokenstore.inmemory.InMemoryTokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.TokenSchema;
import org.axonframework.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.ApplicationContext;
import org.springframework.core.annotation.AnnotatedElementUtils;

import javax.sql.DataSource;
import java.util.Optional;

/**
 * With several instances ({@code keyhook.cluster.enabled}), each one runs, for every projection
 * that pushes to subscribers on the instance that projects ({@link Republishing}), a follower of
 * its own: a tracking processor named {@code follow-<group>}, its position in memory, starting
 * where the shared projection stands at startup ({@link ProjectionPositions}; the tail of the
 * stream when the token store cannot be read that way). So a key revoked, a subscription created
 * or an item written through any instance reaches every instance's caches, live streams and
 * waiting writers.
 */
@org.springframework.context.annotation.Configuration
@ConditionalOnProperty(name = "keyhook.cluster.enabled", havingValue = "true")
public class ProjectionFollowersConfig {

    private static final Logger log = LoggerFactory.getLogger(ProjectionFollowersConfig.class);
    static final String PREFIX = "follow-";
    private static final int BATCH_SIZE = 100;

    @Autowired
    public void followProjections(EventProcessingConfigurer processing, ApplicationContext context,
                                  ObjectProvider<DataSource> dataSource, ObjectProvider<TokenSchema> tokenSchema,
                                  Serializer serializer) {
        Optional<ProjectionPositions> positions = Optional.ofNullable(dataSource.getIfAvailable())
                .flatMap(source -> Optional.ofNullable(tokenSchema.getIfAvailable())
                        .map(schema -> new ProjectionPositions(source, schema, serializer)));
        for (String beanName : context.getBeanNamesForType(Republishing.class)) {
            Class<?> type = context.getType(beanName);
            ProcessingGroup annotation = AnnotatedElementUtils.findMergedAnnotation(type, ProcessingGroup.class);
            if (annotation == null) {
                throw new IllegalStateException(type + " republishes but names no processing group");
            }
            String group = annotation.value();
            String follower = PREFIX + group;
            processing.registerTokenStore(follower, configuration -> new InMemoryTokenStore());
            processing.registerTrackingEventProcessor(follower, Configuration::eventStore, configuration ->
                    TrackingEventProcessorConfiguration.forSingleThreadedProcessing().andBatchSize(BATCH_SIZE)
                            .andInitialTrackingToken(source -> positions.flatMap(known -> known.lowestOf(group))
                                    .orElseGet(() -> {
                                        log.info("{} starts at the tail of the event stream", follower);
                                        return source.createTailToken();
                                    })));
            processing.registerEventHandler(configuration -> new ProjectionFollower(
                    context.getBean(beanName, Republishing.class),
                    () -> LocalSegments.coverAll(configuration.eventProcessingConfiguration(), group)));
            processing.assignHandlerInstancesMatching(follower, handler ->
                    handler instanceof ProjectionFollower following && following.group().equals(group));
        }
    }
}
