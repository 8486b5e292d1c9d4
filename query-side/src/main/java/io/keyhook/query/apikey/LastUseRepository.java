package io.keyhook.query.apikey;

import org.springframework.data.mongodb.repository.ReactiveMongoRepository;

public interface LastUseRepository extends ReactiveMongoRepository<LastUseDocument, String> {
}
