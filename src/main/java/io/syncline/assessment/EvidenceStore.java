package io.syncline.assessment;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.syncline.config.SyncConfig;
import io.syncline.record.Envelope;
import io.quarkus.runtime.ShutdownEvent;
import io.syncline.state.StateStore;

/**
 * The assessment's evidence, kept per flow and hour in the state store (H2 or PostgreSQL) over a sliding window
 * ({@code sync.assessment.window}): deliveries are added up in memory and written at most every few seconds,
 * as sums, so several instances sharing PostgreSQL add up too. Observing never fails a delivery.
 */
@ApplicationScoped
public class EvidenceStore {

    /** One delivered record: its key and source time (either may be null). */
    public record Delivery(String key, Instant source) {
    }

    static final Duration FLUSH_INTERVAL = Duration.ofSeconds(5);
    static final Duration PRUNE_INTERVAL = Duration.ofHours(1);
    private static final long DAY_MS = Duration.ofDays(1).toMillis();
    private static final Logger LOG = Logger.getLogger(EvidenceStore.class);

    static final String CREATE_HOURS = """
            CREATE TABLE IF NOT EXISTS sync_assessment_hours (
                flow VARCHAR(100) NOT NULL,
                hour_start BIGINT NOT NULL,
                records BIGINT NOT NULL,
                chunks BIGINT NOT NULL,
                repeat_changes BIGINT NOT NULL,
                target_calls BIGINT NOT NULL,
                peak_per_second BIGINT NOT NULL,
                PRIMARY KEY (flow, hour_start))""";
    static final String CREATE_LAGS = """
            CREATE TABLE IF NOT EXISTS sync_assessment_lags (
                flow VARCHAR(100) NOT NULL,
                hour_start BIGINT NOT NULL,
                bucket INT NOT NULL,
                records BIGINT NOT NULL,
                PRIMARY KEY (flow, hour_start, bucket))""";
    static final String MERGE_HOUR = """
            MERGE INTO sync_assessment_hours t
            USING (SELECT CAST(? AS VARCHAR(100)) AS flow, CAST(? AS BIGINT) AS hour_start, CAST(? AS BIGINT) AS records,
                          CAST(? AS BIGINT) AS chunks, CAST(? AS BIGINT) AS repeat_changes,
                          CAST(? AS BIGINT) AS target_calls, CAST(? AS BIGINT) AS peak_per_second) s
            ON t.flow = s.flow AND t.hour_start = s.hour_start
            WHEN MATCHED THEN UPDATE SET records = t.records + s.records, chunks = t.chunks + s.chunks,
                repeat_changes = t.repeat_changes + s.repeat_changes, target_calls = t.target_calls + s.target_calls,
                peak_per_second = GREATEST(t.peak_per_second, s.peak_per_second)
            WHEN NOT MATCHED THEN INSERT (flow, hour_start, records, chunks, repeat_changes, target_calls, peak_per_second)
                VALUES (s.flow, s.hour_start, s.records, s.chunks, s.repeat_changes, s.target_calls, s.peak_per_second)""";
    static final String MERGE_LAG = """
            MERGE INTO sync_assessment_lags t
            USING (SELECT CAST(? AS VARCHAR(100)) AS flow, CAST(? AS BIGINT) AS hour_start, CAST(? AS INT) AS bucket,
                          CAST(? AS BIGINT) AS records) s
            ON t.flow = s.flow AND t.hour_start = s.hour_start AND t.bucket = s.bucket
            WHEN MATCHED THEN UPDATE SET records = t.records + s.records
            WHEN NOT MATCHED THEN INSERT (flow, hour_start, bucket, records) VALUES (s.flow, s.hour_start, s.bucket, s.records)""";

    /** What one flow did in one hour, not yet written. */
    static final class Hour {
        final String flow;
        final long start;
        long records;
        long chunks;
        long repeatChanges;
        long targetCalls;
        long peakPerSecond;
        final long[] lags = new long[Evidence.LAG_BOUNDS.length + 1];

        Hour(String flow, long start) {
            this.flow = flow;
            this.start = start;
        }
    }

    /** Records delivered in the current second, per flow: the peak rate. */
    private record Second(long epochSecond, long records) {
    }

    private final StateStore store;
    private final SyncConfig config;
    private final Map<String, Hour> pending = new HashMap<>();
    private final Map<String, Second> seconds = new ConcurrentHashMap<>();
    private volatile Instant lastFlush = Instant.now();
    private volatile Instant lastPrune = Instant.MIN;
    private boolean tablesReady;

    EvidenceStore(StateStore store, SyncConfig config) {
        this.store = store;
        this.config = config;
    }

    /** The hook of the pipeline: a chunk reached the target now. */
    public void delivered(String flow, List<Envelope> chunk, Map<String, Long> previousVersions) {
        List<Delivery> deliveries = new ArrayList<>(chunk.size());
        for (Envelope envelope : chunk) {
            deliveries.add(new Delivery(envelope.key(), envelope.sourceInstant()));
        }
        observe(flow, Instant.now(), deliveries, previousVersions);
    }

    /**
     * A chunk delivered at {@code at}. A record repeats a change when its key's previous version (delivered before,
     * or earlier in the chunk) is less than 24 hours older by source time.
     *
     * @param previousVersions the keys' versions (source epoch milliseconds) delivered before this chunk
     */
    public void observe(String flow, Instant at, List<Delivery> deliveries, Map<String, Long> previousVersions) {
        Map<String, Long> latest = new HashMap<>(previousVersions == null ? Map.of() : previousVersions);
        long repeats = 0;
        long[] lags = new long[Evidence.LAG_BOUNDS.length + 1];
        for (Delivery delivery : deliveries) {
            if (delivery.source() == null) {
                continue;
            }
            long version = delivery.source().toEpochMilli();
            lags[Evidence.lagBucket(Math.max(0, at.toEpochMilli() - version))]++;
            if (delivery.key() != null) {
                Long before = latest.get(delivery.key());
                if (before != null && version >= before && version - before < DAY_MS) {
                    repeats++;
                }
                latest.merge(delivery.key(), version, Math::max);
            }
        }
        long peak = peakSecond(flow, at, deliveries.size());
        synchronized (this) {
            Hour hour = hour(flow, at);
            hour.records += deliveries.size();
            hour.chunks++;
            hour.repeatChanges += repeats;
            hour.peakPerSecond = Math.max(hour.peakPerSecond, peak);
            for (int i = 0; i < lags.length; i++) {
                hour.lags[i] += lags[i];
            }
        }
        flushIfDue(at);
    }

    /** The hook of a target: one call (for Salesforce, one API call) made for the flow now. */
    public void targetCalled(String flow) {
        targetCalled(flow, Instant.now(), 1);
    }

    public void targetCalled(String flow, Instant at, long calls) {
        synchronized (this) {
            hour(flow, at).targetCalls += calls;
        }
        flushIfDue(at);
    }

    /** Every flow's evidence over the window ending now; flows without a delivery are absent. */
    public Map<String, Evidence> summary(Instant now) throws SQLException {
        flush();
        Duration window = config.assessment().window();
        long from = now.minus(window).toEpochMilli();
        Map<String, Evidence> evidence = new HashMap<>();
        store.use(connection -> {
            createTables(connection);
            Map<String, long[]> lags = new HashMap<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT flow, bucket, SUM(records)"
                    + " FROM sync_assessment_lags WHERE hour_start >= ? GROUP BY flow, bucket")) {
                select.setLong(1, from);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        int bucket = rows.getInt(2);
                        long[] counts = lags.computeIfAbsent(rows.getString(1), f -> new long[Evidence.LAG_BOUNDS.length + 1]);
                        if (bucket >= 0 && bucket < counts.length) {
                            counts[bucket] += rows.getLong(3);
                        }
                    }
                }
            }
            try (PreparedStatement select = connection.prepareStatement("SELECT flow, MIN(hour_start), SUM(records),"
                    + " SUM(chunks), MAX(peak_per_second), SUM(repeat_changes), SUM(target_calls)"
                    + " FROM sync_assessment_hours WHERE hour_start >= ? GROUP BY flow")) {
                select.setLong(1, from);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        String flow = rows.getString(1);
                        Instant since = Instant.ofEpochMilli(rows.getLong(2));
                        evidence.put(flow, new Evidence(window, since, daysObserved(since, now, window), rows.getLong(3),
                                rows.getLong(4), rows.getLong(5), rows.getLong(6),
                                lags.getOrDefault(flow, new long[Evidence.LAG_BOUNDS.length + 1]), rows.getLong(7)));
                    }
                }
            }
            return null;
        });
        return evidence;
    }

    /** From the first observed hour to now: at least a day (a morning's traffic is not a day's), at most the window. */
    static double daysObserved(Instant since, Instant now, Duration window) {
        double days = Duration.between(since, now).toMillis() / (double) DAY_MS;
        return Math.min(window.toMillis() / (double) DAY_MS, Math.max(1.0, days));
    }

    /** An evidence with nothing observed, for a flow that delivered nothing in the window. */
    public Evidence empty() {
        return new Evidence(config.assessment().window(), null, 1.0, 0, 0, 0, 0, new long[Evidence.LAG_BOUNDS.length + 1], 0);
    }

    private long peakSecond(String flow, Instant at, long records) {
        long second = at.getEpochSecond();
        return seconds.compute(flow, (f, s) -> s == null || s.epochSecond() != second ? new Second(second, records)
                : new Second(second, s.records() + records)).records();
    }

    private Hour hour(String flow, Instant at) {
        long start = at.truncatedTo(ChronoUnit.HOURS).toEpochMilli();
        return pending.computeIfAbsent(flow + "@" + start, k -> new Hour(flow, start));
    }

    private void flushIfDue(Instant at) {
        Instant now = Instant.now();
        if (Duration.between(lastFlush, now).compareTo(FLUSH_INTERVAL) >= 0) {
            try {
                flush();
            } catch (SQLException e) {
                LOG.warnf("The assessment's evidence could not be saved; it is kept and tried again: %s", e.getMessage());
            }
        }
    }

    /** Writes what was observed since the last write, and drops hours that left the window. */
    /** At shutdown, while the state store's connection pool is still open (it closes before beans are destroyed). */
    synchronized void flushOnStop(@Observes ShutdownEvent stopping) {
        try {
            flush();
        } catch (SQLException e) {
            LOG.warnf("The assessment's last evidence could not be saved: %s", e.getMessage());
        }
    }

    synchronized void flush() throws SQLException {
        lastFlush = Instant.now();
        List<Hour> hours = new ArrayList<>(pending.values());
        if (hours.isEmpty() && Duration.between(lastPrune, lastFlush).compareTo(PRUNE_INTERVAL) < 0) {
            return;
        }
        store.use(connection -> {
            createTables(connection);
            try (PreparedStatement hourMerge = connection.prepareStatement(MERGE_HOUR);
                    PreparedStatement lagMerge = connection.prepareStatement(MERGE_LAG)) {
                for (Hour hour : hours) {
                    hourMerge.setString(1, hour.flow);
                    hourMerge.setLong(2, hour.start);
                    hourMerge.setLong(3, hour.records);
                    hourMerge.setLong(4, hour.chunks);
                    hourMerge.setLong(5, hour.repeatChanges);
                    hourMerge.setLong(6, hour.targetCalls);
                    hourMerge.setLong(7, hour.peakPerSecond);
                    hourMerge.addBatch();
                    for (int bucket = 0; bucket < hour.lags.length; bucket++) {
                        if (hour.lags[bucket] > 0) {
                            lagMerge.setString(1, hour.flow);
                            lagMerge.setLong(2, hour.start);
                            lagMerge.setInt(3, bucket);
                            lagMerge.setLong(4, hour.lags[bucket]);
                            lagMerge.addBatch();
                        }
                    }
                }
                hourMerge.executeBatch();
                lagMerge.executeBatch();
            }
            pending.clear();
            if (Duration.between(lastPrune, lastFlush).compareTo(PRUNE_INTERVAL) >= 0) {
                long before = lastFlush.minus(config.assessment().window()).truncatedTo(ChronoUnit.HOURS).toEpochMilli();
                for (String table : List.of("sync_assessment_hours", "sync_assessment_lags")) {
                    try (PreparedStatement prune = connection.prepareStatement("DELETE FROM " + table + " WHERE hour_start < ?")) {
                        prune.setLong(1, before);
                        prune.executeUpdate();
                    }
                }
                lastPrune = lastFlush;
            }
            return null;
        });
    }

    private void createTables(java.sql.Connection connection) throws SQLException {
        if (!tablesReady) {
            try (Statement ddl = connection.createStatement()) {
                ddl.execute(CREATE_HOURS);
                ddl.execute(CREATE_LAGS);
            }
            tablesReady = true;
        }
    }
}
