package io.keyhook.webhook.delivery;

import io.keyhook.api.delivery.DeliveryView;
import io.keyhook.api.delivery.FindStuckDeliveries;
import io.keyhook.api.delivery.RedeliverDelivery;
import io.keyhook.webhook.WebhookSettings;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * The last line of defence: a delivery still waiting {@code keyhook.webhooks.stuck-after} past its
 * due time has lost its next step (a deadline gone, a saga gone). It is redelivered: a new series of
 * attempts under the same id. A delivery that succeeded meanwhile refuses the redelivery, and a
 * second sweep of another instance only schedules the same next attempt again. It sweeps every
 * {@code keyhook.webhooks.stuck-sweep-interval} where scheduling is enabled.
 */
@Component
public class StuckDeliveryWatchdog implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(StuckDeliveryWatchdog.class);
    static final int BATCH = 100;

    private final QueryGateway queries;
    private final CommandGateway commands;
    private final WebhookSettings settings;
    private final Clock clock;

    public StuckDeliveryWatchdog(QueryGateway queries, CommandGateway commands, WebhookSettings settings, Clock clock) {
        this.queries = queries;
        this.commands = commands;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar tasks) {
        tasks.addFixedDelayTask(new FixedDelayTask(() -> sweep(clock.instant()), settings.stuckSweepInterval(),
                settings.stuckSweepInterval()));
    }

    /** Redelivers up to {@value #BATCH} stuck deliveries and says how many. */
    public int sweep(Instant now) {
        List<DeliveryView> stuck = queries.query(new FindStuckDeliveries(now.minus(settings.stuckAfter()), BATCH),
                ResponseTypes.multipleInstancesOf(DeliveryView.class)).join();
        for (DeliveryView delivery : stuck) {
            log.warn("Delivery {} has waited past {} since its next step was due; redelivering it", delivery.id(),
                    settings.stuckAfter());
            commands.send(new RedeliverDelivery(delivery.id(), delivery.organizationId()))
                    .whenComplete((result, failure) -> {
                        if (failure != null) {
                            log.info("Delivery {} was not redelivered: {}", delivery.id(), failure.getMessage());
                        }
                    });
        }
        return stuck.size();
    }
}
