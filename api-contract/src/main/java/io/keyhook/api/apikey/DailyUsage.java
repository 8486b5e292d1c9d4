package io.keyhook.api.apikey;

import java.time.LocalDate;
import java.util.Map;

/** Attempts with one key on one UTC day, counted by reason ({@code ok} for the allowed ones). */
public record DailyUsage(LocalDate day, long allowed, long denied, Map<String, Long> byReason) {
}
