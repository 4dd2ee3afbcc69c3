package io.syncline.pipeline;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.syncline.freshness.RecentOutcomes;

/** Counts records by flow and outcome: {@code syncline_records_total{flow,outcome}}. */
@ApplicationScoped
public class Outcomes {

    public static final String RECEIVED = "received";
    public static final String ACCEPTED = "accepted";
    public static final String REJECTED = "rejected";
    public static final String PUBLISHED = "published";
    public static final String DEAD_LETTERED = "dead-lettered";
    /** Not published: the target already has a newer (or, on a replay, the same) version of the key. */
    public static final String STALE_SKIPPED = "stale-skipped";

    private final MeterRegistry registry;
    private final RecentOutcomes recent;

    Outcomes(MeterRegistry registry, RecentOutcomes recent) {
        this.registry = registry;
        this.recent = recent;
    }

    /**
     * A record refused at the door (a webhook's 4xx): rejected, and failed for the rejection alarm (a record the
     * pipeline rejects is dead-lettered, and counts as failed there).
     */
    public void refused(String flow) {
        count(flow, REJECTED, 1);
        recent.failed(flow, 1);
    }

    public void count(String flow, String outcome, long amount) {
        if (amount <= 0) {
            return;
        }
        switch (outcome) {
            case RECEIVED -> recent.received(flow, amount);
            case PUBLISHED, STALE_SKIPPED -> recent.delivered(flow, amount);
            case DEAD_LETTERED -> recent.failed(flow, amount);
            default -> {
            }
        }
        Counter.builder("syncline.records")
                .description("Records by flow and outcome")
                .tag("flow", flow)
                .tag("outcome", outcome)
                .register(registry)
                .increment(amount);
    }
}
