package io.keyhook.query.webhook;

import org.springframework.data.domain.Pageable;
import org.springframework.data.mongodb.repository.ReactiveMongoRepository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

public interface WebhookSubscriptionRepository extends ReactiveMongoRepository<WebhookSubscriptionDocument, String> {

    /**
     * By id, then checked: the embedded MongoDB server uses the {@code _id} index only for a query on
     * {@code _id} alone, and would scan the whole collection for id and organization together.
     */
    default Mono<WebhookSubscriptionDocument> findVisible(String id, String organizationId) {
        return findById(id).filter(subscription -> subscription.organizationId().equals(organizationId)
                && !subscription.deleted());
    }

    Flux<WebhookSubscriptionDocument> findByOrganizationIdAndDeletedFalse(String organizationId, Pageable pageable);

    Mono<Long> countByOrganizationIdAndDeletedFalse(String organizationId);

    Flux<WebhookSubscriptionDocument> findByOrganizationIdAndActiveTrueAndDeletedFalse(String organizationId);
}
