package io.keyhook.api.apikey;

import java.util.List;

public record ApiKeyPage(List<ApiKeyView> keys, int page, int size, long total) {
}
