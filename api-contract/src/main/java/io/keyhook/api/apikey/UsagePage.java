package io.keyhook.api.apikey;

import java.util.List;

public record UsagePage(List<UsageEntry> entries, int page, int size, long total) {
}
