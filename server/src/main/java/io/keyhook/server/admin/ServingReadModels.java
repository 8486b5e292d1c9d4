package io.keyhook.server.admin;

import io.keyhook.query.account.AccountProjection;
import io.keyhook.query.account.OrganizationDocument;
import io.keyhook.query.account.OrganizationRepository;
import io.keyhook.query.account.UserDocument;
import io.keyhook.query.account.UserRepository;
import io.keyhook.query.apikey.ApiKeyDocument;
import io.keyhook.query.apikey.ApiKeyProjection;
import io.keyhook.query.apikey.ApiKeyRepository;
import io.keyhook.query.apikey.LastUseRepository;
import io.keyhook.query.webhook.WebhookSubscriptionDocument;
import io.keyhook.query.webhook.WebhookSubscriptionProjection;
import io.keyhook.query.webhook.WebhookSubscriptionRepository;
import io.keyhook.query.webhook.WebhookTargetIndex;
import org.axonframework.queryhandling.QueryUpdateEmitter;
import org.axonframework.queryhandling.SimpleQueryUpdateEmitter;
import org.springframework.data.repository.core.support.RepositoryFactorySupport;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The read models that logins, key authentication and webhook routing read on every request or
 * event, so that a rebuild must not empty them: they are projected aside (the same projection class
 * on repositories of another database, telling no one of its updates) and swapped in.
 */
@Component
class ServingReadModels {

    /** A group's document types, and its projection made on the repositories a factory gives. */
    record Model(String group, List<Class<?>> documents, Function<RepositoryFactorySupport, Object> projection) {
    }

    private final Map<String, Model> models;

    ServingReadModels(Clock clock) {
        QueryUpdateEmitter nobody = SimpleQueryUpdateEmitter.builder().build();
        models = Map.of(
                AccountProjection.GROUP, new Model(AccountProjection.GROUP,
                        List.of(OrganizationDocument.class, UserDocument.class),
                        repositories -> new AccountProjection(repositories.getRepository(OrganizationRepository.class),
                                repositories.getRepository(UserRepository.class), nobody)),
                ApiKeyProjection.GROUP, new Model(ApiKeyProjection.GROUP, List.of(ApiKeyDocument.class),
                        repositories -> new ApiKeyProjection(repositories.getRepository(ApiKeyRepository.class),
                                repositories.getRepository(LastUseRepository.class), nobody, clock)),
                WebhookSubscriptionProjection.GROUP, new Model(WebhookSubscriptionProjection.GROUP,
                        List.of(WebhookSubscriptionDocument.class),
                        repositories -> {
                            WebhookSubscriptionRepository subscriptions =
                                    repositories.getRepository(WebhookSubscriptionRepository.class);
                            return new WebhookSubscriptionProjection(subscriptions, nobody, clock,
                                    new WebhookTargetIndex(subscriptions));
                        }));
    }

    Optional<Model> model(String group) {
        return Optional.ofNullable(models.get(group));
    }

    Set<String> groups() {
        return models.keySet();
    }
}
