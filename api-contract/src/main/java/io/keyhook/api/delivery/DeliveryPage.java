package io.keyhook.api.delivery;


import java.util.List;

public record DeliveryPage(List<DeliveryView> deliveries, int page, int size, long total) {
}
