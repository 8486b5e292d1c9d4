package io.keyhook.query.delivery;

import org.springframework.data.mongodb.repository.ReactiveMongoRepository;
import reactor.core.publisher.Mono;

public interface DeliveryRepository extends ReactiveMongoRepository<DeliveryDocument, String> {

    Mono<DeliveryDocument> findByIdAndOrganizationId(String id, String organizationId);
}
