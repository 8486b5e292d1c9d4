package io.keyhook.query.account;

import io.keyhook.api.account.FindOrganization;
import io.keyhook.api.account.FindUser;
import io.keyhook.api.account.FindUserCredentials;
import io.keyhook.api.account.OrganizationCreated;
import io.keyhook.api.account.OrganizationView;
import io.keyhook.api.account.UserAdded;
import io.keyhook.api.account.UserCredentials;
import io.keyhook.api.account.UserIds;
import io.keyhook.api.account.UserView;
import io.keyhook.api.common.FindProjectedVersion;
import io.keyhook.query.common.Republishing;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.queryhandling.QueryHandler;
import org.axonframework.queryhandling.QueryUpdateEmitter;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static io.keyhook.query.common.Blocking.await;
import static io.keyhook.query.common.ProjectedVersions.announce;
import static io.keyhook.query.common.Republished.atVersion;

/** Organizations and users. Each write is an upsert by id, so handling an event twice changes nothing. */
@Component
@ProcessingGroup(AccountProjection.GROUP)
public class AccountProjection implements Republishing {

    public static final String GROUP = "accounts";

    private final OrganizationRepository organizations;
    private final UserRepository users;
    private final QueryUpdateEmitter emitter;

    public AccountProjection(OrganizationRepository organizations, UserRepository users, QueryUpdateEmitter emitter) {
        this.organizations = organizations;
        this.users = users;
        this.emitter = emitter;
    }

    @EventHandler
    void on(OrganizationCreated event, @Timestamp Instant at, @SequenceNumber long sequence) {
        await(organizations.save(new OrganizationDocument(event.organizationId(), event.name(), at, sequence)));
        announce(emitter, FindProjectedVersion.ACCOUNTS, event.organizationId(), sequence);
    }

    @EventHandler
    void on(UserAdded event, @Timestamp Instant at, @SequenceNumber long sequence) {
        await(users.save(new UserDocument(event.userId(), event.organizationId(), event.email(),
                event.passwordHash(), event.role(), at, sequence)));
        announce(emitter, FindProjectedVersion.ACCOUNTS, event.userId(), sequence);
    }

    @Override
    public Set<String> republish(Map<String, Long> wantedVersions) {
        Set<String> behind = new HashSet<>(atVersion(wantedVersions, users.findAllById(wantedVersions.keySet()),
                UserDocument::id, user -> announce(emitter, FindProjectedVersion.ACCOUNTS, user.id(), user.version())));
        behind.retainAll(atVersion(wantedVersions, organizations.findAllById(wantedVersions.keySet()),
                OrganizationDocument::id,
                organization -> announce(emitter, FindProjectedVersion.ACCOUNTS, organization.id(), organization.version())));
        return behind;
    }

    @QueryHandler
    CompletableFuture<UserCredentials> handle(FindUserCredentials query) {
        return users.findById(UserIds.forEmail(query.email()))
                .map(user -> new UserCredentials(user.id(), user.organizationId(), user.role(), user.passwordHash()))
                .toFuture();
    }

    @QueryHandler
    CompletableFuture<UserView> handle(FindUser query) {
        return users.findVisible(query.userId(), query.organizationId())
                .flatMap(user -> organizations.findById(user.organizationId())
                        .map(OrganizationDocument::name)
                        .defaultIfEmpty("")
                        .map(name -> new UserView(user.id(), user.organizationId(), name, user.email(), user.role(),
                                user.createdAt())))
                .toFuture();
    }

    @QueryHandler
    CompletableFuture<OrganizationView> handle(FindOrganization query) {
        return organizations.findById(query.organizationId())
                .map(org -> new OrganizationView(org.id(), org.name(), org.createdAt()))
                .toFuture();
    }

    @QueryHandler(queryName = FindProjectedVersion.ACCOUNTS)
    CompletableFuture<Long> handle(FindProjectedVersion query) {
        return users.findById(query.aggregateId()).map(UserDocument::version)
                .switchIfEmpty(organizations.findById(query.aggregateId()).map(OrganizationDocument::version))
                .defaultIfEmpty(-1L)
                .toFuture();
    }
}
