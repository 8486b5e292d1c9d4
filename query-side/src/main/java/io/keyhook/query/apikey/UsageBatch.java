package io.keyhook.query.apikey;

import io.keyhook.api.apikey.ApiKeyUsageRecorded;
import io.keyhook.api.apikey.UsageReason;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The attempts of one event-processing batch, gathered so they are written in a few round trips. */
final class UsageBatch {

    record Counted(String entryId, String reason) {
    }

    record DayOfKey(String keyId, String organizationId, LocalDate day) {
    }

    final List<UsageDocument> entries = new ArrayList<>();
    final Map<DayOfKey, List<Counted>> daily = new LinkedHashMap<>();
    final Map<String, UseOfKey> lastUse = new HashMap<>();

    record UseOfKey(String organizationId, Instant at) {
    }

    void add(String eventId, ApiKeyUsageRecorded event) {
        String entryId = UsageDocument.idOf(event.at(), eventId);
        entries.add(new UsageDocument(entryId, eventId, event.keyId(),
                event.organizationId(), event.presentedPrefix(), event.at(), event.method(), event.path(),
                event.clientIp(), event.userAgent(), event.outcome(), event.reason(), event.detail()));
        if (event.keyId() == null) {
            return;
        }
        LocalDate day = LocalDate.ofInstant(event.at(), ZoneOffset.UTC);
        daily.computeIfAbsent(new DayOfKey(event.keyId(), event.organizationId(), day), k -> new ArrayList<>())
                .add(new Counted(entryId, event.reason().value()));
        if (event.reason() == UsageReason.OK) {
            lastUse.merge(event.keyId(), new UseOfKey(event.organizationId(), event.at()),
                    (a, b) -> a.at().isAfter(b.at()) ? a : b);
        }
    }
}
