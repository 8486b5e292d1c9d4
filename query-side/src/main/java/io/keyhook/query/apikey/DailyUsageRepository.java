package io.keyhook.query.apikey;

import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.repository.ReactiveMongoRepository;
import reactor.core.publisher.Flux;

public interface DailyUsageRepository extends ReactiveMongoRepository<DailyUsageDocument, String> {

    Flux<DailyUsageDocument> findByKeyIdAndOrganizationId(String keyId, String organizationId, Sort sort);
}
