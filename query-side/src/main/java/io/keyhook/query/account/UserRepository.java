package io.keyhook.query.account;

import org.springframework.data.mongodb.repository.ReactiveMongoRepository;
import reactor.core.publisher.Mono;

public interface UserRepository extends ReactiveMongoRepository<UserDocument, String> {

    /**
     * By id, then checked: the embedded MongoDB server uses the {@code _id} index only for a query on
     * {@code _id} alone, and would scan the whole collection for id and organization together.
     */
    default Mono<UserDocument> findVisible(String id, String organizationId) {
        return findById(id).filter(user -> user.organizationId().equals(organizationId));
    }
}
