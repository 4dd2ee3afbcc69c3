package io.syncline.flows;

import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.syncline.config.SyncConfig;
import io.syncline.freshness.FlowActivity;
import io.syncline.state.CheckIns;
import io.syncline.state.StateStore;

/**
 * The flow catalog's counters on instances sharing a PostgreSQL store: each instance writes its own counters since its
 * start to the store every {@code sync.cluster.checkin-interval} (and at shutdown), and every instance shows its own
 * live counts plus the others' last written ones, since the first of them started. One instance on its embedded store
 * shows its own, as before.
 */
@ApplicationScoped
@Startup
public class ClusterCounters {

    private static final Logger LOG = Logger.getLogger(ClusterCounters.class);

    /** What the catalog shows: counts by outcome and since when. */
    public record View(Map<String, Long> counters, Instant since) {
    }

    private final StateStore store;
    private final MeterRegistry registry;
    private final FlowActivity activity;
    private final String instanceId;

    ClusterCounters(StateStore store, MeterRegistry registry, FlowActivity activity, SyncConfig config, CheckIns checkIns) {
        this.store = store;
        this.registry = registry;
        this.activity = activity;
        this.instanceId = config.instanceId();
        if (store.shared()) {
            checkIns.every(config.cluster().checkinInterval(), this::write);
        }
    }

    /** This instance's counts of the flow, plus the other instances' on a shared store. */
    View view(String flowId, Map<String, Long> local) {
        if (!store.shared()) {
            return new View(local, activity.startedAt());
        }
        try {
            StateStore.Counters others = store.othersCounters(flowId, instanceId);
            Map<String, Long> sum = new LinkedHashMap<>(local);
            others.byOutcome().forEach((outcome, count) -> sum.merge(outcome, count, Long::sum));
            Instant since = others.since() == null ? activity.startedAt()
                    : Instant.ofEpochMilli(Math.min(others.since(), activity.startedAt().toEpochMilli()));
            return new View(sum, since);
        } catch (SQLException e) {
            LOG.warnf("The other instances' counters could not be read; this instance's are shown: %s", e.getMessage());
            return new View(local, activity.startedAt());
        }
    }

    void write() {
        Map<String, Map<String, Long>> counts = new HashMap<>();
        for (Counter counter : registry.find("syncline.records").counters()) {
            counts.computeIfAbsent(counter.getId().getTag("flow"), f -> new HashMap<>())
                    .put(counter.getId().getTag("outcome"), (long) counter.count());
        }
        try {
            store.saveCounters(instanceId, activity.startedAt().toEpochMilli(), counts);
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("This instance's counters could not be written to the state store: %s", e.getMessage());
        }
    }

    /** The last counts, while the store's pool is still open. */
    void writeOnStop(@Observes ShutdownEvent stopping) {
        if (store.shared()) {
            write();
        }
    }
}
