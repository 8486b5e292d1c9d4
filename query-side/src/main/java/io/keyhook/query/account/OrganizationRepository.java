package io.keyhook.query.account;

import org.springframework.data.mongodb.repository.ReactiveMongoRepository;

public interface OrganizationRepository extends ReactiveMongoRepository<OrganizationDocument, String> {
}
