package io.syncline.targets;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.Exchange;

import io.syncline.config.SyncConfig;
import io.syncline.pipeline.SyncProperties;
import io.syncline.record.DeadLetter;

/**
 * The one owner of what a failed delivery is: target-transient (408, 429, 5xx, I/O), target-permanent (the target
 * refused the records) or internal (a defect or a misconfiguration), and whether it is tried again: only a transient
 * failure, and only within the flow's attempts and its time since the first failure ({@code sync.flows.<id>.retry.*},
 * else {@code sync.retry.*}). Camel's redelivery policy sets the delays.
 */
@ApplicationScoped
@Named("failureClassifier")
public class FailureClassifier {

    private final SyncConfig config;

    FailureClassifier(SyncConfig config) {
        this.config = config;
    }

    /**
     * The {@code retryWhile} of {@code sync-delivery}, asked after every failed attempt: names the failure for the dead
     * letter ({@code syncErrorCategory}) and answers whether Camel delivers again.
     */
    public boolean retries(Exchange exchange) {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String category = categoryOf(error == null ? exchange.getException() : error);
        if (exchange.getProperty(SyncProperties.TARGET_TOOK) != null) {
            // the target has the chunk: trying again would send it without its keys held (SyncProperties.TARGET_TOOK)
            exchange.setProperty(SyncProperties.ERROR_CATEGORY, DeadLetter.INTERNAL);
            return false;
        }
        exchange.setProperty(SyncProperties.ERROR_CATEGORY, category);
        return DeadLetter.TARGET_TRANSIENT.equals(category) && withinBudget(exchange);
    }

    private boolean withinBudget(Exchange exchange) {
        String flow = exchange.getProperty(SyncProperties.FLOW, String.class);
        SyncConfig.FlowRetry own = config.flow(flow).retry();
        int maxRedeliveries = own.maxRedeliveries().orElse(config.retry().maxRedeliveries());
        Duration maxElapsed = own.maxElapsed().orElse(config.retry().maxElapsed());
        int failures = exchange.getProperty(SyncProperties.ATTEMPTS, 1, Integer.class);
        Instant first = exchange.getProperty(SyncProperties.FIRST_FAILURE_AT, Instant.now(), Instant.class);
        return failures <= maxRedeliveries && Duration.between(first, Instant.now()).compareTo(maxElapsed) < 0;
    }

    /** Decided by the innermost cause that is an exception, as Camel matches an {@code onException}. */
    static String categoryOf(Throwable error) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = error; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(0, t);
        }
        for (Throwable t : chain) {
            if (t instanceof TransientTargetException || t instanceof IOException) {
                return DeadLetter.TARGET_TRANSIENT;
            }
            if (t instanceof PermanentTargetException) {
                return DeadLetter.TARGET_PERMANENT;
            }
            if (t instanceof Exception) {
                return DeadLetter.INTERNAL;
            }
        }
        return DeadLetter.INTERNAL;
    }
}
