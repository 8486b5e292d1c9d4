package io.keyhook.command.apikey;

import io.keyhook.api.apikey.ApiKeyIssued;
import io.keyhook.api.apikey.ApiKeyRevoked;
import io.keyhook.api.apikey.ApiKeyRotated;
import io.keyhook.api.apikey.Cidr;
import io.keyhook.api.apikey.IssueApiKey;
import io.keyhook.api.apikey.RevokeApiKey;
import io.keyhook.api.apikey.RotateApiKey;
import io.keyhook.api.apikey.Scope;
import io.keyhook.api.common.ErrorCode;
import io.keyhook.api.common.Timestamps;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.AggregateLifecycle;
import org.axonframework.spring.stereotype.Aggregate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static io.keyhook.command.common.Rejections.rejected;
import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * An API key of an organization. Decides what a key may hold (never more than the credential that
 * creates it, never more than its owner's role) and how it is rotated and revoked. It only ever sees
 * the key's stored form. Time comes from the event clock, which tests set.
 */
@Aggregate
public class ApiKey {

    public static final int MAX_NAME_LENGTH = 100;
    public static final int MAX_RATE_LIMIT_PER_MINUTE = 1_000_000;
    public static final int MAX_ALLOWED_IPS = 100;
    public static final Duration MAX_GRACE_PERIOD = Duration.ofDays(30);

    @AggregateIdentifier
    private String keyId;
    private String organizationId;
    private String prefix;
    private String lookup;
    private String verifier;
    private Instant expiresAt;
    private boolean revoked;

    protected ApiKey() {
    }

    @CommandHandler
    public ApiKey(IssueApiKey command) {
        String name = command.name() == null ? "" : command.name().strip();
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            throw rejected(ErrorCode.INVALID, "name must be 1 to " + MAX_NAME_LENGTH + " characters");
        }
        Set<Scope> scopes = requireGrantable(command);
        if (command.environment() == null) {
            throw rejected(ErrorCode.INVALID, "environment must be one of: live, test");
        }
        if (command.expiresAt() != null && !command.expiresAt().isAfter(now())) {
            throw rejected(ErrorCode.INVALID, "expiresAt must be in the future");
        }
        if (command.expiresAt() != null && !Timestamps.inRange(command.expiresAt())) {
            throw rejected(ErrorCode.INVALID, "expiresAt " + Timestamps.RANGE);
        }
        Integer rateLimit = command.rateLimitPerMinute();
        if (rateLimit != null && (rateLimit < 1 || rateLimit > MAX_RATE_LIMIT_PER_MINUTE)) {
            throw rejected(ErrorCode.INVALID, "rateLimitPerMinute must be between 1 and " + MAX_RATE_LIMIT_PER_MINUTE);
        }
        apply(new ApiKeyIssued(command.keyId(), command.organizationId(), command.ownerUserId(), command.ownerRole(),
                name, scopes, command.environment(), command.prefix(), command.lookup(), command.verifier(),
                command.expiresAt(), rateLimit, normalized(command.allowedIps())));
    }

    @CommandHandler
    public long handle(RotateApiKey command) {
        requireVisibleTo(command.organizationId());
        if (revoked) {
            throw rejected(ErrorCode.CONFLICT, "the key is revoked");
        }
        if (expiresAt != null && !expiresAt.isAfter(now())) {
            throw rejected(ErrorCode.CONFLICT, "the key has expired");
        }
        Duration grace = command.gracePeriod();
        if (grace.isNegative() || grace.compareTo(MAX_GRACE_PERIOD) > 0) {
            throw rejected(ErrorCode.INVALID, "gracePeriodSeconds must be between 0 and " + MAX_GRACE_PERIOD.toSeconds());
        }
        Instant previousValidUntil = grace.isZero() ? null : now().plus(grace);
        apply(new ApiKeyRotated(keyId, organizationId, command.prefix(), command.lookup(), command.verifier(),
                prefix, lookup, verifier, previousValidUntil));
        return AggregateLifecycle.getVersion();
    }

    /** Revoking a revoked key changes nothing and is not an error (DELETE is idempotent). */
    @CommandHandler
    public long handle(RevokeApiKey command) {
        requireVisibleTo(command.organizationId());
        if (!revoked) {
            apply(new ApiKeyRevoked(keyId, organizationId));
        }
        return AggregateLifecycle.getVersion();
    }

    private static Set<Scope> requireGrantable(IssueApiKey command) {
        if (command.scopes() == null || command.scopes().isEmpty()) {
            throw rejected(ErrorCode.INVALID, "scopes must name at least one scope");
        }
        Set<Scope> allowed = EnumSet.copyOf(Scope.allowedFor(command.ownerRole()));
        allowed.retainAll(command.grantable());
        Set<Scope> beyond = EnumSet.copyOf(command.scopes());
        beyond.removeAll(allowed);
        if (!beyond.isEmpty()) {
            throw rejected(ErrorCode.FORBIDDEN, "a key cannot hold more than its creator may do; not grantable: "
                    + beyond.stream().map(Scope::value).sorted().collect(Collectors.joining(", ")));
        }
        return EnumSet.copyOf(command.scopes());
    }

    private static List<String> normalized(List<String> allowedIps) {
        if (allowedIps == null || allowedIps.isEmpty()) {
            return null;
        }
        if (allowedIps.size() > MAX_ALLOWED_IPS) {
            throw rejected(ErrorCode.INVALID, "allowedIps may hold at most " + MAX_ALLOWED_IPS + " entries");
        }
        List<String> networks = new ArrayList<>();
        for (String entry : allowedIps) {
            try {
                networks.add(Cidr.parse(entry).toString());
            } catch (IllegalArgumentException e) {
                throw rejected(ErrorCode.INVALID, "allowedIps: " + e.getMessage());
            }
        }
        return List.copyOf(networks);
    }

    private void requireVisibleTo(String callerOrganization) {
        if (!organizationId.equals(callerOrganization)) {
            throw rejected(ErrorCode.NOT_FOUND, "API key not found");
        }
    }

    private static Instant now() {
        return GenericEventMessage.clock.instant();
    }

    @EventSourcingHandler
    void on(ApiKeyIssued event) {
        keyId = event.keyId();
        organizationId = event.organizationId();
        prefix = event.prefix();
        lookup = event.lookup();
        verifier = event.verifier();
        expiresAt = event.expiresAt();
    }

    @EventSourcingHandler
    void on(ApiKeyRotated event) {
        prefix = event.prefix();
        lookup = event.lookup();
        verifier = event.verifier();
    }

    @EventSourcingHandler
    void on(ApiKeyRevoked event) {
        revoked = true;
    }
}
