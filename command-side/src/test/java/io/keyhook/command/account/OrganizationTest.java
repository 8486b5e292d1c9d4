package io.keyhook.command.account;

import io.keyhook.api.account.CreateOrganization;
import io.keyhook.api.account.OrganizationCreated;
import io.keyhook.api.common.ErrorCode;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.Test;

class OrganizationTest {

    private final AggregateTestFixture<Organization> fixture = new AggregateTestFixture<>(Organization.class);

    @Test
    void createsAnOrganizationWithATrimmedName() {
        fixture.givenNoPriorActivity()
                .when(new CreateOrganization("org-1", "  Acme Hardware ", "user-1"))
                .expectEvents(new OrganizationCreated("org-1", "Acme Hardware", "user-1"));
    }

    @Test
    void refusesABlankName() {
        fixture.givenNoPriorActivity()
                .when(new CreateOrganization("org-1", "   ", "user-1"))
                .expectExceptionDetails(ErrorCode.INVALID)
                .expectNoEvents();
    }
}
