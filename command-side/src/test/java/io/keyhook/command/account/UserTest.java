package io.keyhook.command.account;

import io.keyhook.api.account.AddUser;
import io.keyhook.api.account.Role;
import io.keyhook.api.account.UserAdded;
import io.keyhook.api.account.UserIds;
import io.keyhook.api.common.ErrorCode;
import org.axonframework.commandhandling.CommandExecutionException;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UserTest {

    private static final String EMAIL = "ada@example.com";
    private static final String USER = UserIds.forEmail(EMAIL);

    private AggregateTestFixture<User> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(User.class);
    }

    @Test
    void addingAUserNormalizesTheEmail() {
        fixture.givenNoPriorActivity()
                .when(new AddUser(USER, "org-1", " Ada@Example.com", "$argon2id$hash", Role.ADMIN, null))
                .expectSuccessfulHandlerExecution()
                .expectEvents(new UserAdded(USER, "org-1", EMAIL, "$argon2id$hash", Role.ADMIN, null));
    }

    @Test
    void aSecondUserWithTheSameEmailIsRefused() {
        fixture.given(new UserAdded(USER, "org-1", EMAIL, "$argon2id$hash", Role.ADMIN, null))
                .when(new AddUser(USER, "org-2", "ADA@example.com", "$argon2id$other", Role.ADMIN, null))
                .expectException(CommandExecutionException.class)
                .expectExceptionDetails(ErrorCode.EMAIL_TAKEN)
                .expectNoEvents();
    }

    @Test
    void anIdThatDoesNotBelongToTheEmailIsRefused() {
        fixture.givenNoPriorActivity()
                .when(new AddUser(UserIds.forEmail("bob@example.com"), "org-1", EMAIL, "$argon2id$hash",
                        Role.MEMBER, "someone"))
                .expectExceptionDetails(ErrorCode.INVALID)
                .expectNoEvents();
    }
}
