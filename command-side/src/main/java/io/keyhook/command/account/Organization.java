package io.keyhook.command.account;

import io.keyhook.api.account.CreateOrganization;
import io.keyhook.api.account.OrganizationCreated;
import io.keyhook.api.common.ErrorCode;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

import static io.keyhook.command.common.Rejections.rejected;
import static org.axonframework.modelling.command.AggregateLifecycle.apply;

@Aggregate
public class Organization {

    @AggregateIdentifier
    private String organizationId;

    protected Organization() {
    }

    @CommandHandler
    public Organization(CreateOrganization command) {
        if (command.name() == null || command.name().isBlank()) {
            throw rejected(ErrorCode.INVALID, "organization name must not be blank");
        }
        apply(new OrganizationCreated(command.organizationId(), command.name().trim(), command.createdBy()));
    }

    @EventSourcingHandler
    void on(OrganizationCreated event) {
        this.organizationId = event.organizationId();
    }
}
