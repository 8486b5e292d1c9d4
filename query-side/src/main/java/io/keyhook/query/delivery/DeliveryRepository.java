package io.keyhook.query.delivery;

import org.springframework.data.mongodb.repository.ReactiveMongoRepository;
import reactor.core.publisher.Mono;

public interface DeliveryRepository extends ReactiveMongoRepository<DeliveryDocument, String> {

    /**
     * By id, then checked: the embedded MongoDB server uses the {@code _id} index only for a query on
     * {@code _id} alone, and would scan the whole collection for id and organization together.
     */
    default Mono<DeliveryDocument> findVisible(String id, String organizationId) {
        return findById(id).filter(delivery -> delivery.organizationId().equals(organizationId));
    }
}
