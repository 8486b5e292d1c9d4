package io.keyhook.api.account;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UserIdsTest {

    @Test
    void theSameEmailInAnyCaseOrPaddingGivesTheSameId() {
        assertThat(UserIds.forEmail("  Ada@Example.COM ")).isEqualTo(UserIds.forEmail("ada@example.com"));
    }

    @Test
    void differentEmailsGiveDifferentIds() {
        assertThat(UserIds.forEmail("ada@example.com")).isNotEqualTo(UserIds.forEmail("bob@example.com"));
    }
}
