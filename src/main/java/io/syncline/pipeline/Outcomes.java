package io.syncline.pipeline;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

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

    Outcomes(MeterRegistry registry) {
        this.registry = registry;
    }

    public void count(String flow, String outcome, long amount) {
        if (amount <= 0) {
            return;
        }
        Counter.builder("syncline.records")
                .description("Records by flow and outcome")
                .tag("flow", flow)
                .tag("outcome", outcome)
                .register(registry)
                .increment(amount);
    }
}
