package io.keyhook.query.apikey;

import io.keyhook.api.apikey.DailyUsage;
import io.keyhook.api.apikey.UsageReason;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;

/**
 * Attempts with one key on one UTC day, by reason. An attempt is counted when its entry is first
 * stored, so an attempt handled again is not counted twice.
 */
@Document("api_key_daily_usage")
public record DailyUsageDocument(@Id String id, String keyId, String organizationId, String day,
                                 Map<String, Long> counts) {

    static String idOf(String keyId, LocalDate day) {
        return keyId + ":" + day;
    }

    DailyUsage toDailyUsage() {
        long allowed = counts.getOrDefault(UsageReason.OK.value(), 0L);
        long all = counts.values().stream().mapToLong(Long::longValue).sum();
        return new DailyUsage(LocalDate.parse(day), allowed, all - allowed, new TreeMap<>(counts));
    }
}
