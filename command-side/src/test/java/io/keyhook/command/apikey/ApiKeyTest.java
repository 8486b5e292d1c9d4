package io.keyhook.command.apikey;

import io.keyhook.api.account.Role;
import io.keyhook.api.apikey.ApiKeyIssued;
import io.keyhook.api.apikey.ApiKeyRevoked;
import io.keyhook.api.apikey.ApiKeyRotated;
import io.keyhook.api.apikey.Environment;
import io.keyhook.api.apikey.IssueApiKey;
import io.keyhook.api.apikey.RevokeApiKey;
import io.keyhook.api.apikey.RotateApiKey;
import io.keyhook.api.apikey.Scope;
import io.keyhook.api.common.ErrorCode;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

class ApiKeyTest {

    private static final String ORG = "org-1";
    private static final String KEY = "key-1";
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final Set<Scope> READ = EnumSet.of(Scope.ITEMS_READ);

    private AggregateTestFixture<ApiKey> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(ApiKey.class);
    }

    private static IssueApiKey issue(Role role, Set<Scope> grantable, Set<Scope> scopes) {
        return new IssueApiKey(KEY, ORG, "user-1", role, grantable, "ci", scopes, Environment.LIVE,
                "kh_live_AAAAAAAA", "lookup-1", null, null, null, null);
    }

    private static ApiKeyIssued issued(Instant expiresAt) {
        return new ApiKeyIssued(KEY, ORG, "user-1", Role.ADMIN, "ci", READ, Environment.LIVE, "kh_live_AAAAAAAA",
                "lookup-1", null, expiresAt, null, null);
    }

    @Test
    void issuesAKeyWithinTheCreatorsRole() {
        fixture.givenCurrentTime(NOW)
                .when(issue(Role.ADMIN, Scope.allowedFor(Role.ADMIN), READ))
                .expectEvents(issued(null));
    }

    @Test
    void aMemberCannotIssueAnAdminKey() {
        fixture.givenCurrentTime(NOW)
                .when(issue(Role.MEMBER, Scope.allowedFor(Role.ADMIN), EnumSet.of(Scope.ITEMS_READ, Scope.ADMIN)))
                .expectNoEvents()
                .expectExceptionDetails(ErrorCode.FORBIDDEN)
                .expectExceptionMessage("a key cannot hold more than its creator may do; not grantable: admin");
    }

    @Test
    void aKeyCannotMintAKeyWithMoreScopesThanItHolds() {
        fixture.givenCurrentTime(NOW)
                .when(issue(Role.ADMIN, EnumSet.of(Scope.KEYS_WRITE, Scope.ITEMS_READ),
                        EnumSet.of(Scope.ITEMS_READ, Scope.ITEMS_WRITE)))
                .expectExceptionDetails(ErrorCode.FORBIDDEN)
                .expectExceptionMessage("a key cannot hold more than its creator may do; not grantable: items:write");
    }

    @Test
    void refusesNoScopesABlankNameAPastExpiryAndABadNetwork() {
        fixture.givenCurrentTime(NOW).when(issue(Role.ADMIN, READ, Set.of())).expectExceptionDetails(ErrorCode.INVALID);
        fixture.givenCurrentTime(NOW)
                .when(new IssueApiKey(KEY, ORG, "user-1", Role.ADMIN, READ, " ", READ, Environment.LIVE,
                        "kh_live_AAAAAAAA", "lookup-1", null, null, null, null))
                .expectExceptionDetails(ErrorCode.INVALID);
        fixture.givenCurrentTime(NOW)
                .when(new IssueApiKey(KEY, ORG, "user-1", Role.ADMIN, READ, "ci", READ, Environment.LIVE,
                        "kh_live_AAAAAAAA", "lookup-1", null, NOW, null, null))
                .expectExceptionDetails(ErrorCode.INVALID)
                .expectExceptionMessage("expiresAt must be in the future");
        fixture.givenCurrentTime(NOW)
                .when(new IssueApiKey(KEY, ORG, "user-1", Role.ADMIN, READ, "ci", READ, Environment.LIVE,
                        "kh_live_AAAAAAAA", "lookup-1", null, null, null, List.of("10.0.0.0/33")))
                .expectExceptionDetails(ErrorCode.INVALID);
        fixture.givenCurrentTime(NOW)
                .when(new IssueApiKey(KEY, ORG, "user-1", Role.ADMIN, READ, "ci", READ, Environment.LIVE,
                        "kh_live_AAAAAAAA", "lookup-1", null, null, 0, null))
                .expectExceptionDetails(ErrorCode.INVALID);
    }

    /** An expiry no store can hold would stop the projection that reads its event, for every organization. */
    @Test
    void refusesAnExpiryBeyondTheYear9999() {
        fixture.givenCurrentTime(NOW)
                .when(new IssueApiKey(KEY, ORG, "user-1", Role.ADMIN, READ, "ci", READ, Environment.LIVE,
                        "kh_live_AAAAAAAA", "lookup-1", null, Instant.parse("+999999999-12-31T23:59:59Z"), null, null))
                .expectNoEvents()
                .expectExceptionDetails(ErrorCode.INVALID)
                .expectExceptionMessage("expiresAt must be a time in the years 0000 to 9999");
        fixture.givenCurrentTime(NOW)
                .when(new IssueApiKey(KEY, ORG, "user-1", Role.ADMIN, READ, "ci", READ, Environment.LIVE,
                        "kh_live_AAAAAAAA", "lookup-1", null, Instant.parse("9999-12-31T23:59:59Z"), null, null))
                .expectEvents(issued(Instant.parse("9999-12-31T23:59:59Z")));
    }

    @Test
    void normalisesTheAllowlistToNetworks() {
        fixture.givenCurrentTime(NOW)
                .when(new IssueApiKey(KEY, ORG, "user-1", Role.ADMIN, READ, "ci", READ, Environment.LIVE,
                        "kh_live_AAAAAAAA", "lookup-1", null, NOW.plusSeconds(60), 500,
                        List.of("203.0.113.77/24", "2001:db8::1", "::ffff:198.51.100.7")))
                .expectEvents(new ApiKeyIssued(KEY, ORG, "user-1", Role.ADMIN, "ci", READ, Environment.LIVE,
                        "kh_live_AAAAAAAA", "lookup-1", null, NOW.plusSeconds(60), 500,
                        List.of("203.0.113.0/24", "2001:db8:0:0:0:0:0:1/128", "198.51.100.7/32")));
    }

    @Test
    void rotationKeepsThePreviousSecretForTheGracePeriod() {
        fixture.givenCurrentTime(NOW)
                .andGiven(issued(null))
                .when(new RotateApiKey(KEY, ORG, "kh_live_BBBBBBBB", "lookup-2", null, Duration.ofHours(24)))
                .expectEvents(new ApiKeyRotated(KEY, ORG, "kh_live_BBBBBBBB", "lookup-2", null,
                        "kh_live_AAAAAAAA", "lookup-1", null, NOW.plus(Duration.ofHours(24))))
                .expectResultMessagePayload(1L);
    }

    @Test
    void rotationWithoutGraceRetiresThePreviousSecretAtOnce() {
        fixture.givenCurrentTime(NOW)
                .andGiven(issued(null), new ApiKeyRotated(KEY, ORG, "kh_live_BBBBBBBB", "lookup-2", null,
                        "kh_live_AAAAAAAA", "lookup-1", null, null))
                .when(new RotateApiKey(KEY, ORG, "kh_live_CCCCCCCC", "lookup-3", null, Duration.ZERO))
                .expectEvents(new ApiKeyRotated(KEY, ORG, "kh_live_CCCCCCCC", "lookup-3", null,
                        "kh_live_BBBBBBBB", "lookup-2", null, null));
    }

    @Test
    void aRevokedOrExpiredKeyCannotBeRotated() {
        fixture.givenCurrentTime(NOW)
                .andGiven(issued(null), new ApiKeyRevoked(KEY, ORG))
                .when(new RotateApiKey(KEY, ORG, "kh_live_BBBBBBBB", "lookup-2", null, Duration.ZERO))
                .expectExceptionDetails(ErrorCode.CONFLICT);
        fixture.givenCurrentTime(NOW)
                .andGiven(issued(NOW.minusSeconds(1)))
                .when(new RotateApiKey(KEY, ORG, "kh_live_BBBBBBBB", "lookup-2", null, Duration.ZERO))
                .expectExceptionDetails(ErrorCode.CONFLICT)
                .expectExceptionMessage("the key has expired");
    }

    @Test
    void refusesAGracePeriodBeyondThirtyDays() {
        fixture.givenCurrentTime(NOW)
                .andGiven(issued(null))
                .when(new RotateApiKey(KEY, ORG, "kh_live_BBBBBBBB", "lookup-2", null, Duration.ofDays(31)))
                .expectExceptionDetails(ErrorCode.INVALID);
    }

    @Test
    void revokingTwiceChangesNothingTheSecondTime() {
        fixture.given(issued(null))
                .when(new RevokeApiKey(KEY, ORG))
                .expectEvents(new ApiKeyRevoked(KEY, ORG));
        fixture.given(issued(null), new ApiKeyRevoked(KEY, ORG))
                .when(new RevokeApiKey(KEY, ORG))
                .expectNoEvents()
                .expectResultMessagePayload(1L);
    }

    @Test
    void anotherOrganizationsKeyIsNotFound() {
        fixture.given(issued(null))
                .when(new RevokeApiKey(KEY, "org-2"))
                .expectExceptionDetails(ErrorCode.NOT_FOUND);
    }
}
