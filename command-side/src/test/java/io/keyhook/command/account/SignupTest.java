package io.keyhook.command.account;

import io.keyhook.api.account.OrganizationCreated;
import io.keyhook.api.account.SignUp;
import io.keyhook.api.account.UserAdded;
import io.keyhook.api.account.UserIds;
import io.keyhook.api.common.ErrorCode;
import org.axonframework.commandhandling.CommandExecutionException;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.Configuration;
import org.axonframework.config.DefaultConfigurer;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Signing up creates two aggregates in one unit of work, against Axon's real command bus, event
 * store and repositories: both streams are appended together, or neither.
 */
class SignupTest {

    private static final String EMAIL = "ada@example.com";
    private static final String USER = UserIds.forEmail(EMAIL);

    private Configuration axon;
    private CommandGateway commands;
    private EventStore events;

    @BeforeEach
    void start() {
        axon = DefaultConfigurer.defaultConfiguration()
                .configureEmbeddedEventStore(configuration -> new InMemoryEventStorageEngine())
                .configureAggregate(User.class)
                .configureAggregate(Organization.class)
                .registerCommandHandler(configuration -> new Signup(() -> configuration.repository(User.class),
                        () -> configuration.repository(Organization.class)))
                .buildConfiguration();
        axon.start();
        commands = axon.commandGateway();
        events = axon.eventStore();
    }

    @AfterEach
    void stop() {
        axon.shutdown();
    }

    @Test
    void aSignupAppendsTheUserAndTheOrganization() {
        commands.sendAndWait(new SignUp("org-1", "Acme", USER, EMAIL, "hash"));

        assertThat(payloads(USER)).singleElement().isInstanceOf(UserAdded.class);
        assertThat(payloads("org-1")).containsExactly(new OrganizationCreated("org-1", "Acme", USER));
    }

    @Test
    void anOrganizationThatCannotBeCreatedLeavesNoUserBehind() {
        assertThatThrownBy(() -> commands.sendAndWait(new SignUp("org-1", " ", USER, EMAIL, "hash")))
                .isInstanceOfSatisfying(CommandExecutionException.class, rejected ->
                        assertThat(rejected.getDetails()).contains(ErrorCode.INVALID));

        assertThat(payloads(USER)).isEmpty();
        assertThat(payloads("org-1")).isEmpty();
        commands.sendAndWait(new SignUp("org-2", "Acme", USER, EMAIL, "hash"));
        assertThat(payloads(USER)).hasSize(1);
    }

    @Test
    void aTakenEmailCreatesNoSecondOrganization() {
        commands.sendAndWait(new SignUp("org-1", "Acme", USER, EMAIL, "hash"));

        assertThatThrownBy(() -> commands.sendAndWait(new SignUp("org-2", "Globex", USER, EMAIL, "other")))
                .isInstanceOfSatisfying(CommandExecutionException.class, rejected ->
                        assertThat(rejected.getDetails()).contains(ErrorCode.EMAIL_TAKEN));

        assertThat(payloads("org-2")).isEmpty();
        assertThat(payloads(USER)).hasSize(1);
    }

    private List<Object> payloads(String aggregateId) {
        return events.readEvents(aggregateId).asStream().map(EventMessage::getPayload).map(Object.class::cast).toList();
    }
}
