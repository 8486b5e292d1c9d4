package io.keyhook.query.apikey;

import org.springframework.data.domain.Pageable;
import org.springframework.data.mongodb.repository.ReactiveMongoRepository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

public interface ApiKeyRepository extends ReactiveMongoRepository<ApiKeyDocument, String> {

    /**
     * By id, then checked: the embedded MongoDB server uses the {@code _id} index only for a query on
     * {@code _id} alone, and would scan the whole collection for id and organization together.
     */
    default Mono<ApiKeyDocument> findVisible(String id, String organizationId) {
        return findById(id).filter(key -> key.organizationId().equals(organizationId));
    }

    Flux<ApiKeyDocument> findByOrganizationId(String organizationId, Pageable pageable);

    Mono<Long> countByOrganizationId(String organizationId);

    Flux<ApiKeyDocument> findByLookupOrPreviousLookup(String lookup, String previousLookup);

    Flux<ApiKeyDocument> findByRevokedAtIsNull();
}
