package io.syncline.freshness;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.syncline.config.FlowStarted;
import io.syncline.config.SyncConfig;

/**
 * What the wellness check knows per flow, as Prometheus series, so that alert rules follow each flow's own limits:
 * its state, the limits it is judged by ({@code max-lag}, {@code max-silence}, {@code expected-activity.max-quiet})
 * and the figures they are compared with. See {@code docker/prometheus/alerts.yml}.
 */
@ApplicationScoped
public class FlowMetrics {

    static final List<String> STATES = List.of("healthy", "stale", "failing");
    /** A scrape reads each flow's state three times: one verdict serves them all. */
    static final long VERDICT_CACHE_MS = 1000;

    private record Cached(long at, FlowHealth.Verdict verdict) {
    }

    private final Map<String, Cached> verdicts = new ConcurrentHashMap<>();

    void register(@Observes StartupEvent event, SyncConfig config, FlowHealth health, MeterRegistry registry) {
        for (String flow : config.flows().keySet()) {
            register(flow, config, health, registry);
        }
    }

    /** A flow started or gone while running (its folder added to or removed from sync.flows-dir). */
    void changed(@Observes FlowStarted change, SyncConfig config, FlowHealth health, MeterRegistry registry) {
        if (change.running()) {
            register(change.flowId(), config, health, registry);
        } else {
            for (String name : List.of("syncline.flow.state", "syncline.flow.max.lag", "syncline.flow.max.silence",
                    "syncline.flow.silent.since", "syncline.flow.max.quiet", "syncline.flow.expected.quiet")) {
                registry.find(name).tag("flow", change.flowId()).meters().forEach(registry::remove);
            }
            verdicts.remove(change.flowId());
        }
    }

    private void register(String flow, SyncConfig config, FlowHealth health, MeterRegistry registry) {
        SyncConfig.Freshness freshness = config.flow(flow).freshness();
        for (String state : STATES) {
            Gauge.builder("syncline.flow.state", health, h -> state.equals(verdict(h, flow).state()) ? 1 : 0)
                    .description("1 for the flow's current wellness state (healthy, stale, failing), 0 for the others")
                    .tag("flow", flow).tag("state", state).register(registry);
        }
        // registered for the limits set at start-up; their values follow a reload of the flow's settings
        freshness.maxLag().ifPresent(limit -> seconds(registry, "syncline.flow.max.lag", flow,
                () -> config.flow(flow).freshness().maxLag(),
                "The flow's max-lag: a delivery lag above it makes the flow stale"));
        freshness.maxSilence().ifPresent(limit -> seconds(registry, "syncline.flow.max.silence", flow,
                () -> config.flow(flow).freshness().maxSilence(),
                "The flow's max-silence: no delivery for longer makes the flow stale"));
        Gauge.builder("syncline.flow.silent.since", health, h -> h.silentSince(flow).getEpochSecond())
                .description("Since when the flow counts its silence: its last delivery (kept across restarts), else start-up (epoch seconds)")
                .baseUnit("seconds").tag("flow", flow).register(registry);
        freshness.expectedActivity().maxQuiet().ifPresent(limit -> {
            seconds(registry, "syncline.flow.max.quiet", flow, () -> config.flow(flow).freshness().expectedActivity().maxQuiet(),
                    "The flow's expected-activity.max-quiet: longer without a record within its expected hours makes it stale");
            Gauge.builder("syncline.flow.expected.quiet", health, h -> h.expectedQuiet(flow, Instant.now()).toMillis() / 1000.0)
                    .description("How long the flow has heard nothing from its source, counting only its expected hours")
                    .baseUnit("seconds").tag("flow", flow).register(registry);
        });
    }

    private FlowHealth.Verdict verdict(FlowHealth health, String flow) {
        long now = System.currentTimeMillis();
        Cached cached = verdicts.get(flow);
        if (cached == null || cached.at() < now - VERDICT_CACHE_MS) {
            cached = new Cached(now, health.evaluate(flow));
            verdicts.put(flow, cached);
        }
        return cached.verdict();
    }

    /** The limit in seconds; NaN once a reload unset it. */
    private static void seconds(MeterRegistry registry, String name, String flow, Supplier<Optional<Duration>> limit,
            String description) {
        Gauge.builder(name, () -> limit.get().map(l -> l.toMillis() / 1000.0).orElse(Double.NaN)).description(description)
                .baseUnit("seconds").tag("flow", flow).register(registry);
    }
}
