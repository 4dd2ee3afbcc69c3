package io.syncline.deadletter;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.Exchange;

import io.syncline.config.SyncConfig;
import io.syncline.pipeline.SyncProperties;

/**
 * Whether a transient failure is retried once more: within the flow's attempts and its time since the first
 * failure ({@code sync.flows.<id>.retry.*}, else {@code sync.retry.*}). Camel's redelivery policy sets the delays.
 */
@ApplicationScoped
@Named("retryBudget")
public class RetryBudget {

    private final SyncConfig config;

    RetryBudget(SyncConfig config) {
        this.config = config;
    }

    public boolean allowsAnother(Exchange exchange) {
        String flow = exchange.getProperty(SyncProperties.FLOW, String.class);
        SyncConfig.FlowRetry own = config.flow(flow).retry();
        int maxRedeliveries = own.maxRedeliveries().orElse(config.retry().maxRedeliveries());
        Duration maxElapsed = own.maxElapsed().orElse(config.retry().maxElapsed());
        int failures = exchange.getProperty(SyncProperties.ATTEMPTS, 1, Integer.class);
        Instant first = exchange.getProperty(SyncProperties.FIRST_FAILURE_AT, Instant.now(), Instant.class);
        return failures <= maxRedeliveries && Duration.between(first, Instant.now()).compareTo(maxElapsed) < 0;
    }
}
