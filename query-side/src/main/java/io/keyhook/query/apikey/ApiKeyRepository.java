package io.keyhook.query.apikey;

import org.springframework.data.domain.Pageable;
import org.springframework.data.mongodb.repository.ReactiveMongoRepository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

public interface ApiKeyRepository extends ReactiveMongoRepository<ApiKeyDocument, String> {

    Mono<ApiKeyDocument> findByIdAndOrganizationId(String id, String organizationId);

    Flux<ApiKeyDocument> findByOrganizationId(String organizationId, Pageable pageable);

    Mono<Long> countByOrganizationId(String organizationId);

    Flux<ApiKeyDocument> findByLookupOrPreviousLookup(String lookup, String previousLookup);

    Flux<ApiKeyDocument> findByRevokedAtIsNull();
}
