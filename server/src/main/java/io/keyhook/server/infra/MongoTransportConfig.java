package io.keyhook.server.infra;

import com.mongodb.MongoClientSettings;
import com.mongodb.connection.TransportSettings;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.mongo.MongoConnectionDetails;
import org.springframework.boot.autoconfigure.mongo.MongoProperties;
import org.springframework.boot.autoconfigure.mongo.StandardMongoClientSettingsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.core.convert.DefaultMongoTypeMapper;
import org.springframework.data.mongodb.core.convert.MappingMongoConverter;

import java.util.concurrent.TimeUnit;

/**
 * One Netty event loop group for every MongoDB client of the context: the reactive one (read models)
 * and the sync one (Spring Boot always creates it; the axonserver profile's token, saga and JobRunr
 * stores use it). Spring Boot's own customizer creates a group for each client it customizes but only
 * remembers, and shuts down, the last one: the other client's threads outlived the context
 * (spring-projects/spring-boot#17533). With the transport set here, Boot's customizer stays out, and
 * the group is shut down after both clients are closed (they depend on it through the settings).
 * Defining the settings turns off Boot's default settings together with the customizer that applies
 * the {@code spring.data.mongodb.*} properties (URI, UUID representation): that one is declared here
 * as Boot declares it.
 * <p>Documents are written without Spring Data's {@code _class} field: every read model is a record
 * read as its declared type, so the class name was only bytes in every document (a seventh of a
 * usage entry). Documents that carry it still read the same.
 */
@Configuration(proxyBeanMethods = false)
public class MongoTransportConfig {

    @Bean
    public MongoEventLoops mongoEventLoops() {
        return new MongoEventLoops();
    }

    @Bean
    public MongoClientSettings mongoClientSettings(MongoEventLoops mongoEventLoops) {
        return MongoClientSettings.builder()
                .transportSettings(TransportSettings.nettyBuilder().eventLoopGroup(mongoEventLoops.group).build())
                .build();
    }

    @Bean
    public StandardMongoClientSettingsBuilderCustomizer standardMongoSettingsCustomizer(MongoProperties properties,
                                                                                       MongoConnectionDetails connectionDetails) {
        return new StandardMongoClientSettingsBuilderCustomizer(connectionDetails, properties.getUuidRepresentation());
    }

    @Bean
    public static BeanPostProcessor noTypeHintsInDocuments() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (bean instanceof MappingMongoConverter converter) {
                    converter.setTypeMapper(new DefaultMongoTypeMapper(null, converter.getMappingContext()));
                }
                return bean;
            }
        };
    }

    /** The event loops of the MongoDB clients, stopped when the context closes. */
    public static final class MongoEventLoops implements DisposableBean {

        private final EventLoopGroup group = new NioEventLoopGroup(0, new DefaultThreadFactory("mongodb-client"));

        @Override
        public void destroy() {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }
}
