package io.keyhook.server.infra.axonserver;

import com.mongodb.MongoClientSettings;
import com.mongodb.ConnectionString;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.deadline.jobrunr.JobRunrDeadlineManager;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.extensions.mongo.MongoTemplate;
import org.axonframework.modelling.saga.AssociationValue;
import org.axonframework.modelling.saga.AssociationValuesImpl;
import org.axonframework.modelling.saga.SagaScopeDescriptor;
import org.axonframework.modelling.saga.repository.SagaStore;
import org.axonframework.serialization.json.JacksonSerializer;
import org.bson.Document;
import org.bson.UuidRepresentation;
import org.jobrunr.scheduling.JobScheduler;
import org.jobrunr.storage.StorageProviderUtils.DatabaseOptions;
import org.jobrunr.storage.nosql.mongo.MongoDBStorageProvider;
import org.jobrunr.utils.mapper.jackson.JacksonJsonMapper;
import org.jobrunr.jobs.mappers.JobMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the production profile's storage honest without Axon Server: the MongoDB token store, saga
 * store (built by {@link MongoAxonStorageConfig}) and a JobRunr deadline manager on JobRunr's
 * MongoDB storage, against the embedded MongoDB server. Three workarounds that only the embedded
 * server needs live here: the client uses the standard UUID representation, JobRunr's migrations
 * are skipped (one drops an index this server never created) and its collections are made upfront.
 */
class MongoAxonStorageWiringTest {

    private static final String DATABASE = "keyhook";

    private MongoServer server;
    private MongoClient client;
    private final JacksonSerializer serializer = JacksonSerializer.defaultSerializer();
    private final MongoAxonStorageConfig config = new MongoAxonStorageConfig();

    @BeforeEach
    void startMongo() {
        server = new MongoServer(new MemoryBackend());
        String uri = server.bindAndGetConnectionString();
        client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(uri))
                .uuidRepresentation(UuidRepresentation.STANDARD)
                .build());
    }

    @AfterEach
    void stopMongo() {
        client.close();
        server.shutdownNow();
    }

    @Test
    void tokensAreStoredClaimedAndReadBack() {
        MongoTemplate template = config.axonMongoTemplate(client, DATABASE);
        TokenStore tokens = config.tokenStore(template, serializer);

        tokens.initializeTokenSegments("items", 1);
        tokens.storeToken(new GlobalSequenceTrackingToken(42), "items", 0);

        assertThat(tokens.fetchToken("items", 0)).isEqualTo(new GlobalSequenceTrackingToken(42));
        assertThat(client.getDatabase(DATABASE).getCollection("trackingtokens").countDocuments()).isEqualTo(1);
    }

    @Test
    void sagasAreStoredAndFoundByAssociation() {
        MongoTemplate template = config.axonMongoTemplate(client, DATABASE);
        SagaStore<Object> sagas = config.sagaStore(template, serializer);
        AssociationValue delivery = new AssociationValue("deliveryId", "d-1");

        sagas.insertSaga(SampleSaga.class, "saga-1", new SampleSaga("d-1", 2), Set.of(delivery));

        assertThat(sagas.findSagas(SampleSaga.class, delivery)).containsExactly("saga-1");
        SagaStore.Entry<SampleSaga> entry = sagas.loadSaga(SampleSaga.class, "saga-1");
        assertThat(entry.saga().attempt).isEqualTo(2);
        assertThat(entry.associationValues()).contains(delivery);
        assertThat(new AssociationValuesImpl(entry.associationValues()).contains(delivery)).isTrue();
    }

    @Test
    void deadlinesArePersistedAsJobRunrJobsAndCancelled() {
        MongoDatabase database = client.getDatabase(DATABASE);
        Stream.of("migrations", "jobs", "recurring_jobs", "background_job_servers", "metadata")
                .forEach(database::createCollection);
        MongoDBStorageProvider storage = new MongoDBStorageProvider(client, DATABASE, DatabaseOptions.SKIP_CREATE);
        storage.setJobMapper(new JobMapper(new JacksonJsonMapper()));
        JobRunrDeadlineManager deadlines = JobRunrDeadlineManager.builder()
                .jobScheduler(new JobScheduler(storage))
                .scopeAwareProvider(scope -> Stream.empty())
                .serializer(serializer)
                .transactionManager(NoTransactionManager.instance())
                .build();

        String deadlineId = deadlines.schedule(Instant.now().plus(Duration.ofMinutes(10)), "deliveryAttempt",
                null, new SagaScopeDescriptor("DeliverySaga", "saga-1"));

        assertThat(database.getCollection("jobs").countDocuments(new Document("state", "SCHEDULED"))).isEqualTo(1);

        deadlines.cancelSchedule("deliveryAttempt", deadlineId);

        assertThat(database.getCollection("jobs").countDocuments(new Document("state", "SCHEDULED"))).isZero();
        deadlines.shutdown();
    }

    public static class SampleSaga {
        public String deliveryId;
        public int attempt;

        public SampleSaga() {
        }

        SampleSaga(String deliveryId, int attempt) {
            this.deliveryId = deliveryId;
            this.attempt = attempt;
        }
    }
}
