package io.syncline.freshness;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.syncline.config.SyncConfig;
import io.syncline.deadletter.DeadLetterStore;

/**
 * Whether a flow is healthy, stale or failing, and why, from its freshness settings and what it has done: the
 * lag of its last delivery over {@code max-lag}, no delivery for longer than {@code max-silence}, dead letters
 * over {@code max-dead-letters}, its last batch run failed.
 */
@ApplicationScoped
public class FlowHealth {

    /** @param state healthy | stale | failing */
    public record Verdict(String flow, String state, List<String> reasons, Instant lastSuccessAt, Long lagMs,
            long deadLetters, FlowActivity.LastRun lastRun) {

        public boolean healthy() {
            return "healthy".equals(state);
        }
    }

    private final SyncConfig config;
    private final FlowActivity activity;
    private final DeadLetterStore deadLetters;

    FlowHealth(SyncConfig config, FlowActivity activity, DeadLetterStore deadLetters) {
        this.config = config;
        this.activity = activity;
        this.deadLetters = deadLetters;
    }

    public Verdict evaluate(String flowId) {
        return evaluate(flowId, deadLetters.countsByFlow());
    }

    public Verdict evaluate(String flowId, Map<String, Long> deadLetterCounts) {
        SyncConfig.Freshness freshness = config.flow(flowId).freshness();
        Instant now = Instant.now();
        Instant lastSuccess = activity.lastSuccess(flowId).orElse(null);
        Long lag = activity.lastLagMs(flowId).orElse(null);
        long letters = deadLetterCounts.getOrDefault(flowId, 0L);
        FlowActivity.LastRun lastRun = activity.lastRun(flowId).orElse(null);

        List<String> failing = new ArrayList<>();
        List<String> stale = new ArrayList<>();
        if (lastRun != null && "failed".equals(lastRun.status())) {
            failing.add("last batch run failed: " + lastRun.source() + ": " + lastRun.reason());
        }
        if (letters > freshness.maxDeadLetters()) {
            failing.add(letters + " dead letters (max-dead-letters " + freshness.maxDeadLetters() + ")");
        }
        if (freshness.maxSilence().isPresent()) {
            Instant since = lastSuccess != null ? lastSuccess : activity.startedAt();
            if (Duration.between(since, now).compareTo(freshness.maxSilence().get()) > 0) {
                stale.add("no data since " + since + (lastSuccess == null ? " (start-up)" : "") + ", max-silence "
                        + freshness.maxSilence().get());
            }
        }
        if (freshness.maxLag().isPresent() && lag != null && lag > freshness.maxLag().get().toMillis()) {
            stale.add("last record delivered " + Duration.ofMillis(lag) + " after its source timestamp, max-lag "
                    + freshness.maxLag().get());
        }
        List<String> reasons = new ArrayList<>(failing);
        reasons.addAll(stale);
        String state = !failing.isEmpty() ? "failing" : !stale.isEmpty() ? "stale" : "healthy";
        return new Verdict(flowId, state, reasons, lastSuccess, lag, letters, lastRun);
    }
}
