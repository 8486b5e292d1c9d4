package io.keyhook.query.webhook;

import org.springframework.data.domain.Pageable;
import org.springframework.data.mongodb.repository.ReactiveMongoRepository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

public interface WebhookSubscriptionRepository extends ReactiveMongoRepository<WebhookSubscriptionDocument, String> {

    Mono<WebhookSubscriptionDocument> findByIdAndOrganizationIdAndDeletedFalse(String id, String organizationId);

    Flux<WebhookSubscriptionDocument> findByOrganizationIdAndDeletedFalse(String organizationId, Pageable pageable);

    Mono<Long> countByOrganizationIdAndDeletedFalse(String organizationId);

    Flux<WebhookSubscriptionDocument> findByOrganizationIdAndActiveTrueAndDeletedFalse(String organizationId);
}
