package io.syncline.freshness;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.syncline.record.BatchRun;
import io.syncline.record.Envelope;
import io.syncline.state.StateStore;

/**
 * What each flow has done lately: its last delivery, the lag of what it delivered, its last batch run and the run
 * in progress. Freshness checks, the catalog, the dashboard, metrics and the flow MBeans all read it here.
 */
@ApplicationScoped
public class FlowActivity {

    /** The last file or pull run of a flow. */
    public record LastRun(String source, String status, String reason, Instant finishedAt, long rowsRead, long published) {
    }

    /** The largest lag of the records a flow delivered in one minute. */
    public record LagPoint(Instant minute, long maxLagMs) {
    }

    /** A run in progress: rows done out of rows seen, rate and elapsed time. */
    public record Progress(String source, long rowsSeen, long rowsDone, double rowsPerSecond, long elapsedMs) {
    }

    static final Duration[] LAG_BUCKETS = { Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(15),
            Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1),
            Duration.ofHours(4), Duration.ofDays(1), Duration.ofDays(8), Duration.ofDays(32) };
    static final Duration PROGRESS_LOG_INTERVAL = Duration.ofSeconds(10);
    /** How far back the dashboard's lag chart reaches. */
    public static final Duration LAG_HISTORY = Duration.ofHours(6);

    private static final Logger LOG = Logger.getLogger(FlowActivity.class);

    private final MeterRegistry registry;
    private final StateStore store;
    private final Map<String, Instant> persisted = new ConcurrentHashMap<>();
    static final Duration SHARED_REFRESH = Duration.ofSeconds(2);
    private volatile Instant lastSharedRefresh = Instant.EPOCH;
    private final Instant startedAt = Instant.now();
    private final Map<String, Instant> lastSuccess = new ConcurrentHashMap<>();
    private final Map<String, Long> lastLagMs = new ConcurrentHashMap<>();
    private final Map<String, LastRun> lastRuns = new ConcurrentHashMap<>();
    private final Map<String, BatchRun> running = new ConcurrentHashMap<>();
    private final Map<BatchRun, Instant> lastProgressLog = new ConcurrentHashMap<>();
    private final Map<String, Timer> lagTimers = new ConcurrentHashMap<>();
    private final Map<String, LagHistory> lagHistories = new ConcurrentHashMap<>();

    FlowActivity(MeterRegistry registry, StateStore store) {
        this.registry = registry;
        this.store = store;
    }

    /** The last deliveries of the previous run: a restart does not make a silent flow look fresh. */
    @PostConstruct
    void restore() {
        try {
            store.lastSuccesses().forEach((flow, at) -> lastSuccess.merge(flow, Instant.ofEpochMilli(at),
                    (a, b) -> a.isAfter(b) ? a : b));
        } catch (SQLException e) {
            LOG.warnf("Last deliveries of the previous run could not be read; silence counts from start-up: %s", e.getMessage());
        }
    }

    /**
     * On a shared store, another instance may have delivered since: its deliveries count for this flow's silence too,
     * so every instance answers the same. Read at most every {@link #SHARED_REFRESH}.
     */
    private void refreshFromOtherInstances() {
        Instant now = Instant.now();
        if (Duration.between(lastSharedRefresh, now).compareTo(SHARED_REFRESH) < 0) {
            return;
        }
        lastSharedRefresh = now;
        restore();
    }

    public Instant startedAt() {
        return startedAt;
    }

    /** A chunk reached the target now. */
    public void delivered(String flow, List<Envelope> chunk) {
        Instant now = Instant.now();
        Timer lag = lagTimer(flow);
        Long newestLag = null;
        long maxLag = -1;
        for (Envelope envelope : chunk) {
            Instant source = envelope.sourceInstant();
            if (source != null) {
                long ms = Math.max(0, Duration.between(source, now).toMillis());
                lag.record(ms, TimeUnit.MILLISECONDS);
                newestLag = ms;
                maxLag = Math.max(maxLag, ms);
            }
        }
        lastSuccess.put(flow, now);
        if (newestLag != null) {
            lastLagMs.put(flow, newestLag);
            lagHistories.computeIfAbsent(flow, f -> new LagHistory()).record(now, maxLag);
        }
        persist(flow, now);
    }

    /** At most once a second per flow: the time of a delivery matters to the second, not to the chunk. */
    private void persist(String flow, Instant now) {
        Instant last = persisted.get(flow);
        if (last != null && Duration.between(last, now).compareTo(Duration.ofSeconds(1)) < 0) {
            return;
        }
        persisted.put(flow, now);
        try {
            store.recordSuccess(flow, now.toEpochMilli());
        } catch (SQLException e) {
            LOG.warnf("Flow %s: the time of its last delivery could not be saved: %s", flow, e.getMessage());
        }
    }

    public Optional<Instant> lastSuccess(String flow) {
        if (store.shared()) {
            refreshFromOtherInstances();
        }
        return Optional.ofNullable(lastSuccess.get(flow));
    }

    /** The lag of the most recently delivered record, in milliseconds. */
    public Optional<Long> lastLagMs(String flow) {
        return Optional.ofNullable(lastLagMs.get(flow));
    }

    public Timer lagTimer(String flow) {
        return lagTimers.computeIfAbsent(flow, f -> {
            Gauge.builder("syncline.flow.last.success", lastSuccess, m -> m.containsKey(f) ? m.get(f).getEpochSecond() : 0)
                    .description("When the flow last delivered a record (epoch seconds; 0: not since start)")
                    .tag("flow", f).register(registry);
            return Timer.builder("syncline.delivery.lag")
                    .description("From the record's source timestamp to the target's acknowledgement")
                    .tag("flow", f)
                    .serviceLevelObjectives(LAG_BUCKETS)
                    .publishPercentiles(0.5, 0.95, 0.99)
                    .distributionStatisticExpiry(Duration.ofMinutes(10))
                    .register(registry);
        });
    }

    public void runStarted(BatchRun run) {
        running.put(run.flow(), run);
    }

    /** After each chunk: log the progress of a long run every ten seconds. */
    public void chunkDone(BatchRun run) {
        Instant now = Instant.now();
        Instant last = lastProgressLog.getOrDefault(run, run.startedAt());
        if (Duration.between(last, now).compareTo(PROGRESS_LOG_INTERVAL) >= 0) {
            lastProgressLog.put(run, now);
            Progress p = progress(run);
            LOG.infof("Flow %s: %s — %d of %d rows seen done, %.0f rows/s, %d s elapsed", run.flow(), run.source(),
                    p.rowsDone(), p.rowsSeen(), p.rowsPerSecond(), p.elapsedMs() / 1000);
        }
    }

    public void runFinished(BatchRun run, String status, String reason) {
        running.remove(run.flow(), run);
        lastProgressLog.remove(run);
        Instant now = Instant.now();
        lastRuns.put(run.flow(), new LastRun(run.source(), status, reason, now, run.rowsRead(), run.published()));
        registry.counter("syncline.batch.rows", "flow", run.flow(), "status", status).increment(run.rowsRead());
        Timer.builder("syncline.batch.duration").description("Duration of a file or pull run")
                .tag("flow", run.flow()).tag("status", status).register(registry)
                .record(Duration.between(run.startedAt(), now));
    }

    /** The flow's largest lag per minute over the last {@link #LAG_HISTORY}, oldest first; minutes without deliveries left out. */
    public List<LagPoint> lagHistory(String flow) {
        LagHistory history = lagHistories.get(flow);
        return history == null ? List.of() : history.points(Instant.now());
    }

    public Optional<LastRun> lastRun(String flow) {
        return Optional.ofNullable(lastRuns.get(flow));
    }

    public Optional<Progress> progress(String flow) {
        BatchRun run = running.get(flow);
        return run == null ? Optional.empty() : Optional.of(progress(run));
    }

    private static Progress progress(BatchRun run) {
        long elapsed = Math.max(1, Duration.between(run.startedAt(), Instant.now()).toMillis());
        long done = run.published() + run.deadLettered() + run.staleSkipped();
        return new Progress(run.source(), run.rowsRead(), done, done * 1000.0 / elapsed, elapsed);
    }

    /** One slot per minute of {@link #LAG_HISTORY}, reused as the minutes go round. */
    private static final class LagHistory {
        private final long[] minute = new long[(int) LAG_HISTORY.toMinutes()];
        private final long[] maxLagMs = new long[minute.length];

        synchronized void record(Instant at, long lagMs) {
            long m = at.getEpochSecond() / 60;
            int slot = (int) (m % minute.length);
            if (minute[slot] != m) {
                minute[slot] = m;
                maxLagMs[slot] = lagMs;
            } else {
                maxLagMs[slot] = Math.max(maxLagMs[slot], lagMs);
            }
        }

        synchronized List<LagPoint> points(Instant now) {
            long current = now.getEpochSecond() / 60;
            List<LagPoint> points = new java.util.ArrayList<>();
            for (long m = current - minute.length + 1; m <= current; m++) {
                int slot = (int) (m % minute.length);
                if (minute[slot] == m) {
                    points.add(new LagPoint(Instant.ofEpochSecond(m * 60), maxLagMs[slot]));
                }
            }
            return points;
        }
    }
}
