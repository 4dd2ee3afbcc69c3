package io.syncline.freshness;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.syncline.config.SyncConfig;
import io.syncline.deadletter.DeadLetterStore;

/**
 * Whether a flow is healthy, stale or failing, and why, from its freshness settings and what it has done. Failing:
 * its last batch run failed, dead letters over {@code max-dead-letters}, a share of rejected or dead-lettered records
 * over {@code max-rejected-share} in the {@code rejection-window}, or records received in that window and none
 * delivered. Stale: the lag of its last delivery over {@code max-lag}, no delivery for longer than
 * {@code max-silence}, or no record from the source for longer than {@code expected-activity.max-quiet} within its
 * expected hours.
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
    private final RecentOutcomes recent;
    private final Map<String, ExpectedHours> expectedHours = new ConcurrentHashMap<>();

    FlowHealth(SyncConfig config, FlowActivity activity, DeadLetterStore deadLetters, RecentOutcomes recent) {
        this.config = config;
        this.activity = activity;
        this.deadLetters = deadLetters;
        this.recent = recent;
    }

    /** The hours a flow's source is expected to send in; {@link ExpectedHours#ALWAYS} when not configured. */
    public ExpectedHours expectedHours(String flowId) {
        SyncConfig.ExpectedActivity expected = config.flow(flowId).freshness().expectedActivity();
        if (expected.hours().isEmpty()) {
            return ExpectedHours.ALWAYS;
        }
        // by the setting, not the flow: a reload of the flow's settings takes its new hours
        return expectedHours.computeIfAbsent(expected.hours().get() + " " + expected.zone().getId(),
                key -> new ExpectedHours(expected.hours().get(), expected.zone()));
    }

    /**
     * Since when the flow counts as quiet: its last record from the source, else its last delivery (kept across
     * restarts), never before start-up.
     */
    public Instant quietSince(String flowId) {
        Instant since = activity.startedAt();
        for (Optional<Instant> at : List.of(recent.lastReceived(flowId), activity.lastSuccess(flowId))) {
            if (at.isPresent() && at.get().isAfter(since)) {
                since = at.get();
            }
        }
        return since;
    }

    /** Since when the flow counts its silence: its last delivery (kept across restarts), else start-up. */
    public Instant silentSince(String flowId) {
        return activity.lastSuccess(flowId).orElse(activity.startedAt());
    }

    /** How long the flow has been quiet within its expected hours. */
    public Duration expectedQuiet(String flowId, Instant now) {
        return expectedHours(flowId).expectedTimeBetween(quietSince(flowId), now);
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
        RecentOutcomes.Tally tally = recent.tally(flowId);
        String window = Durations.words(freshness.rejectionWindow());
        if (tally.received() > 0 && tally.delivered() == 0 && tally.failed() > 0) {
            failing.add("received " + tally.received() + " in the last " + window + " and delivered none ("
                    + tally.failed() + " rejected or dead-lettered)");
        } else if (tally.received() >= freshness.rejectionMinCount()
                && tally.failed() >= freshness.maxRejectedShare() * tally.received()) {
            failing.add(tally.failed() + " of " + tally.received() + " records (" + percent(tally.failed(), tally.received())
                    + ") rejected or dead-lettered in the last " + window + ", max-rejected-share "
                    + percent(freshness.maxRejectedShare()));
        }
        if (freshness.maxSilence().isPresent()) {
            Instant since = silentSince(flowId);
            if (Duration.between(since, now).compareTo(freshness.maxSilence().get()) > 0) {
                stale.add("no data since " + since.truncatedTo(ChronoUnit.SECONDS) + (lastSuccess == null ? " (start-up)" : "") + ", "
                        + Durations.words(Duration.between(since, now)) + " (max-silence "
                        + Durations.words(freshness.maxSilence().get()) + ")");
            }
        }
        Optional<Duration> maxQuiet = freshness.expectedActivity().maxQuiet();
        if (maxQuiet.isPresent()) {
            Duration quiet = expectedQuiet(flowId, now);
            if (quiet.compareTo(maxQuiet.get()) > 0) {
                Instant since = quietSince(flowId);
                stale.add("no data since " + since.truncatedTo(ChronoUnit.SECONDS) + (since.equals(activity.startedAt()) ? " (start-up)" : "") + ", "
                        + Durations.words(quiet) + " within its expected hours " + expectedHours(flowId)
                        + " (expected-activity.max-quiet " + Durations.words(maxQuiet.get()) + ")");
            }
        }
        if (freshness.maxLag().isPresent() && lag != null && lag > freshness.maxLag().get().toMillis()) {
            stale.add("last record delivered " + Durations.words(Duration.ofMillis(lag)) + " after its source timestamp (max-lag "
                    + Durations.words(freshness.maxLag().get()) + ")");
        }
        List<String> reasons = new ArrayList<>(failing);
        reasons.addAll(stale);
        String state = !failing.isEmpty() ? "failing" : !stale.isEmpty() ? "stale" : "healthy";
        return new Verdict(flowId, state, reasons, lastSuccess, lag, letters, lastRun);
    }

    private static String percent(long part, long whole) {
        return percent((double) part / whole);
    }

    private static String percent(double share) {
        return Math.round(share * 100) + " %";
    }
}
