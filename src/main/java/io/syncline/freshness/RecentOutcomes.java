package io.syncline.freshness;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.syncline.config.SyncConfig;

/**
 * What each flow received, delivered and failed (rejected or dead-lettered) over its {@code rejection-window}, in
 * five-second buckets: the figures behind the rejection alarm. Counters since start-up cannot tell a flow that
 * rejects everything now from one that rejected a batch last week.
 */
@ApplicationScoped
public class RecentOutcomes {

    static final long BUCKET_MS = 5_000;

    /** Sums over a window. */
    public record Tally(long received, long delivered, long failed, Instant lastReceivedAt) {
    }

    private final SyncConfig config;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastReceived = new ConcurrentHashMap<>();

    RecentOutcomes(SyncConfig config) {
        this.config = config;
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

    /** The sums over the flow's {@code rejection-window}. */
    public Tally tally(String flow) {
        long[] sums = window(flow).sums(System.currentTimeMillis());
        return new Tally(sums[0], sums[1], sums[2], lastReceived.get(flow));
    }

    private Window window(String flow) {
        return windows.computeIfAbsent(flow, f -> new Window(config.flows().containsKey(f)
                ? config.flow(f).freshness().rejectionWindow() : Duration.ofMinutes(15)));
    }

    /** A ring of buckets: received, delivered, failed per five seconds. */
    private static final class Window {
        private final long[][] buckets;
        private final long[] bucketStart;

        Window(Duration length) {
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

        synchronized long[] sums(long now) {
            long oldest = now / BUCKET_MS * BUCKET_MS - (buckets.length - 1) * BUCKET_MS;
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
