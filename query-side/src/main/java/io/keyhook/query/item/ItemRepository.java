package io.keyhook.query.item;

import org.springframework.data.domain.Pageable;
import org.springframework.data.mongodb.repository.ReactiveMongoRepository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

public interface ItemRepository extends ReactiveMongoRepository<ItemDocument, String> {

    Mono<ItemDocument> findByIdAndOrganizationIdAndDeletedFalse(String id, String organizationId);

    Flux<ItemDocument> findByOrganizationIdAndDeletedFalse(String organizationId, Pageable pageable);

    Mono<Long> countByOrganizationIdAndDeletedFalse(String organizationId);
}
