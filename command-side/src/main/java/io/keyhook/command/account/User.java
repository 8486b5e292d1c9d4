package io.keyhook.command.account;

import io.keyhook.api.account.AddUser;
import io.keyhook.api.account.UserAdded;
import io.keyhook.api.account.UserIds;
import io.keyhook.api.common.ErrorCode;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;

import static io.keyhook.command.common.Rejections.rejected;
import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * A user's stream is keyed by its email (see {@link UserIds}), so adding a second user with the
 * same email finds the first one here and is refused.
 */
@Aggregate
public class User {

    @AggregateIdentifier
    private String userId;
    private boolean added;

    protected User() {
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(AddUser command) {
        if (added) {
            throw rejected(ErrorCode.EMAIL_TAKEN, "a user with this email is already registered");
        }
        if (!UserIds.forEmail(command.email()).equals(command.userId())) {
            throw rejected(ErrorCode.INVALID, "the user id does not belong to this email");
        }
        if (command.passwordHash() == null || command.role() == null) {
            throw rejected(ErrorCode.INVALID, "a user needs a password and a role");
        }
        apply(new UserAdded(command.userId(), command.organizationId(), UserIds.normalizeEmail(command.email()),
                command.passwordHash(), command.role(), command.addedBy()));
    }

    @EventSourcingHandler
    void on(UserAdded event) {
        this.userId = event.userId();
        this.added = true;
    }
}
