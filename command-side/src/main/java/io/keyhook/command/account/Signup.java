package io.keyhook.command.account;

import io.keyhook.api.account.AddUser;
import io.keyhook.api.account.CreateOrganization;
import io.keyhook.api.account.Role;
import io.keyhook.api.account.SignUp;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.modelling.command.Repository;

import java.util.function.Supplier;

/**
 * Signs up in one unit of work: the user (whose stream claims the email) and the organization are
 * appended in the same transaction, so a failure of either leaves neither behind. The aggregates
 * decide as they do for {@code AddUser} and {@code CreateOrganization}.
 */
public class Signup {

    private final Supplier<Repository<User>> users;
    private final Supplier<Repository<Organization>> organizations;

    /** Suppliers: the repositories exist only once the Axon configuration has been built. */
    public Signup(Supplier<Repository<User>> users, Supplier<Repository<Organization>> organizations) {
        this.users = users;
        this.organizations = organizations;
    }

    @CommandHandler
    public void handle(SignUp command) throws Exception {
        users.get().loadOrCreate(command.userId(), User::new).execute(user -> user.handle(new AddUser(command.userId(),
                command.organizationId(), command.email(), command.passwordHash(), Role.ADMIN, null)));
        organizations.get().newInstance(() -> new Organization(new CreateOrganization(command.organizationId(),
                command.organizationName(), command.userId())));
    }
}
