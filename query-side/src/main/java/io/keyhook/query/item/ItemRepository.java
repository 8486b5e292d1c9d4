package io.keyhook.query.item;

import org.springframework.data.domain.Pageable;
import org.springframework.data.mongodb.repository.ReactiveMongoRepository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

public interface ItemRepository extends ReactiveMongoRepository<ItemDocument, String> {

    /**
     * By id, then checked: the embedded MongoDB server uses the {@code _id} index only for a query on
     * {@code _id} alone, and would scan the whole collection for id and organization together.
     */
    default Mono<ItemDocument> findVisible(String id, String organizationId) {
        return findById(id).filter(item -> item.organizationId().equals(organizationId) && !item.deleted());
    }

    Flux<ItemDocument> findByOrganizationIdAndDeletedFalse(String organizationId, Pageable pageable);

    Mono<Long> countByOrganizationIdAndDeletedFalse(String organizationId);
}
