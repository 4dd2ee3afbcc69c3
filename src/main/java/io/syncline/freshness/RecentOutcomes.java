package io.syncline.freshness;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.syncline.config.SyncConfig;
import io.syncline.state.CheckIns;
import io.syncline.state.StateStore;

/**
 * What each flow received, delivered and failed (rejected or dead-lettered) over its {@code rejection-window}, in
 * five-second buckets: the figures behind the rejection alarm. Counters since start-up cannot tell a flow that
 * rejects everything now from one that rejected a batch last week. On instances sharing a PostgreSQL store, each writes
 * its buckets to the store every {@code sync.cluster.checkin-interval} and weighs the others' with its own, so every
 * instance raises the same alarm.
 */
@ApplicationScoped
public class RecentOutcomes {

    static final long BUCKET_MS = 5_000;
    private static final Logger LOG = Logger.getLogger(RecentOutcomes.class);

    /** Sums over a window. */
    public record Tally(long received, long delivered, long failed, Instant lastReceivedAt) {
    }

    private final SyncConfig config;
    private final StateStore store;
    private final String instanceId;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastReceived = new ConcurrentHashMap<>();
    /** On a shared store: the other instances' buckets, read at most every {@link #OTHERS_REFRESH}. */
    private volatile List<StateStore.OutcomeBucket> others = List.of();
    private volatile long othersReadAt;
    static final long OTHERS_REFRESH_MS = 2_000;

    RecentOutcomes(SyncConfig config, StateStore store, CheckIns checkIns) {
        this.config = config;
        this.store = store;
        this.instanceId = config.instanceId();
        if (store.shared()) {
            checkIns.every(config.cluster().checkinInterval(), this::write);
        }
    }

    /** The longest rejection window of any flow: how far back buckets are kept in the store. */
    private long longestWindowMs() {
        return config.flows().values().stream().mapToLong(f -> f.freshness().rejectionWindow().toMillis()).max()
                .orElse(Duration.ofMinutes(15).toMillis());
    }

    /** This instance's buckets into the shared store, so the others' alarms weigh them too. */
    void write() {
        long now = System.currentTimeMillis();
        List<StateStore.OutcomeBucket> buckets = new ArrayList<>();
        windows.forEach((flow, window) -> buckets.addAll(window.buckets(flow, now)));
        try {
            store.saveOutcomeBuckets(instanceId, buckets, now - longestWindowMs() - BUCKET_MS);
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("This instance's recent outcomes could not be written to the state store: %s", e.getMessage());
        }
    }

    public void received(String flow, long amount) {
        if (amount > 0) {
            window(flow).add(0, amount);
            lastReceived.put(flow, Instant.now());
        }
    }

    public void delivered(String flow, long amount) {
        window(flow).add(1, amount);
    }

    public void failed(String flow, long amount) {
        window(flow).add(2, amount);
    }

    /** When the flow last heard from its source (any record, valid or not) since start-up. */
    public Optional<Instant> lastReceived(String flow) {
        return Optional.ofNullable(lastReceived.get(flow));
    }

    /** The sums over the flow's {@code rejection-window}: this instance's, plus the others' on a shared store. */
    public Tally tally(String flow) {
        long now = System.currentTimeMillis();
        Window window = window(flow);
        long[] sums = window.sums(now);
        if (store.shared()) {
            long oldest = window.oldest(now);
            for (StateStore.OutcomeBucket bucket : othersBuckets(now)) {
                if (bucket.flow().equals(flow) && bucket.start() >= oldest) {
                    sums[0] += bucket.received();
                    sums[1] += bucket.delivered();
                    sums[2] += bucket.failed();
                }
            }
        }
        return new Tally(sums[0], sums[1], sums[2], lastReceived.get(flow));
    }

    private List<StateStore.OutcomeBucket> othersBuckets(long now) {
        if (now - othersReadAt >= OTHERS_REFRESH_MS) {
            othersReadAt = now;
            try {
                others = store.othersOutcomeBuckets(instanceId, now - longestWindowMs() - BUCKET_MS);
            } catch (SQLException e) {
                LOG.warnf("The other instances' recent outcomes could not be read; this instance's are weighed alone: %s",
                        e.getMessage());
            }
        }
        return others;
    }

    private Window window(String flow) {
        SyncConfig.Flow settings = config.flows().get(flow);
        Duration length = settings != null ? settings.freshness().rejectionWindow() : Duration.ofMinutes(15);
        Window window = windows.get(flow);
        if (window == null || !window.length.equals(length)) {
            // new, or a reload changed the flow's rejection-window: its outcomes are counted afresh
            window = windows.compute(flow, (f, w) -> w != null && w.length.equals(length) ? w : new Window(length));
        }
        return window;
    }

    /** A ring of buckets: received, delivered, failed per five seconds. */
    private static final class Window {
        private final long[][] buckets;
        private final long[] bucketStart;

        private final Duration length;

        Window(Duration length) {
            this.length = length;
            int size = (int) Math.max(1, (length.toMillis() + BUCKET_MS - 1) / BUCKET_MS);
            buckets = new long[size][3];
            bucketStart = new long[size];
        }

        synchronized void add(int kind, long amount) {
            if (amount <= 0) {
                return;
            }
            long start = System.currentTimeMillis() / BUCKET_MS * BUCKET_MS;
            int slot = (int) ((start / BUCKET_MS) % buckets.length);
            if (bucketStart[slot] != start) {
                bucketStart[slot] = start;
                buckets[slot][0] = buckets[slot][1] = buckets[slot][2] = 0;
            }
            buckets[slot][kind] += amount;
        }

        /** The start of the oldest bucket still in the window. */
        long oldest(long now) {
            return now / BUCKET_MS * BUCKET_MS - (buckets.length - 1) * BUCKET_MS;
        }

        synchronized List<StateStore.OutcomeBucket> buckets(String flow, long now) {
            long oldest = oldest(now);
            List<StateStore.OutcomeBucket> inWindow = new ArrayList<>();
            for (int i = 0; i < buckets.length; i++) {
                if (bucketStart[i] >= oldest && (buckets[i][0] | buckets[i][1] | buckets[i][2]) != 0) {
                    inWindow.add(new StateStore.OutcomeBucket(flow, bucketStart[i], buckets[i][0], buckets[i][1], buckets[i][2]));
                }
            }
            return inWindow;
        }

        synchronized long[] sums(long now) {
            long oldest = oldest(now);
            long[] sums = new long[3];
            for (int i = 0; i < buckets.length; i++) {
                if (bucketStart[i] >= oldest) {
                    sums[0] += buckets[i][0];
                    sums[1] += buckets[i][1];
                    sums[2] += buckets[i][2];
                }
            }
            return sums;
        }
    }
}
