package io.keyhook.api.item;

import java.util.List;

public record ItemPage(List<ItemView> items, int page, int size, long total) {
}
