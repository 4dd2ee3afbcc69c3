package io.syncline.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.awaitility.Awaitility;

import io.syncline.packaged.PackagedApp;

/**
 * Open-loop load on {@code POST /webhooks/insurance-claims}: request i is due at {@code start + i / rate} whatever
 * happened to the requests before it, and every latency is measured from that due time, so a stalled server is
 * charged for the requests it held up (no coordinated omission). Acceptance latency: due time to the 202.
 * End-to-end: due time to the sink receiving the envelope, matched by its key (the claim number).
 */
final class RealtimeLoad implements AutoCloseable {

    private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(10);
    private static final AtomicLong CLAIMS = new AtomicLong(100_000_000L);

    private final AtomicLong acceptedSoFar = new AtomicLong();
    private final PackagedApp app;
    private final Sink sink;
    private final ExecutorService completions = Executors.newFixedThreadPool(2);
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).executor(completions).build();

    RealtimeLoad(PackagedApp app, Sink sink) {
        this.app = app;
        this.sink = sink;
    }

    /** What one run at a fixed rate measured. */
    record Step(double rate, int sent, int accepted, int refused, Histogram acceptanceMicros, Histogram endToEndMicros,
            long backlogAtLastSend, boolean drained, double drainSeconds, double cpuMsPerEvent, double compilerShare) {

        /**
         * Nothing queued up without bound: every request accepted, both p99 under a second, and what was still in
         * the pipeline when the last request went out delivered within five seconds.
         */
        boolean sustained() {
            return refused == 0 && accepted == sent && drained && drainSeconds <= 5
                    && acceptanceMicros.getValueAtPercentile(99) < 1_000_000
                    && endToEndMicros.getValueAtPercentile(99) < 1_000_000;
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rate", rate);
            m.put("sent", sent);
            m.put("accepted", accepted);
            m.put("refused", refused);
            m.put("acceptanceMs", percentiles(acceptanceMicros));
            m.put("endToEndMs", percentiles(endToEndMicros));
            m.put("backlogAtLastSend", backlogAtLastSend);
            m.put("drained", drained);
            m.put("drainSeconds", round(drainSeconds));
            m.put("sustained", sustained());
            // the application's CPU over the whole run (warm-up included), and the JIT compiler's part of it
            m.put("cpuMsPerEvent", round(cpuMsPerEvent));
            m.put("compilerShare", round(compilerShare));
            return m;
        }
    }

    /**
     * Sends at {@code rate} per second for {@code warmUp + measured}; only the requests due after the warm-up are
     * recorded. Waits for every answer and for the sink to have every accepted claim (or gives up after a minute).
     */
    Step run(double rate, Duration warmUp, Duration measured) {
        // what an earlier run left queued is delivered first, so it does not count against this one
        Awaitility.await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> sink.total() >= acceptedSoFar.get());
        int warmUpCount = (int) (rate * warmUp.toNanos() / 1e9);
        int total = warmUpCount + (int) (rate * measured.toNanos() / 1e9);
        long first = CLAIMS.getAndAdd(total);
        long[] due = new long[total];
        Histogram acceptance = new ConcurrentHistogram(HIGHEST_MICROS, 3);
        Histogram endToEnd = new ConcurrentHistogram(HIGHEST_MICROS, 3);
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger answered = new AtomicInteger();
        AtomicInteger delivered = new AtomicInteger();
        sink.reset((key, arrived) -> {
            long index = Long.parseLong(key.substring(4)) - first;
            if (index >= 0 && index < total) {
                delivered.incrementAndGet();
                if (index >= warmUpCount) {
                    endToEnd.recordValue(Math.min(HIGHEST_MICROS, Math.max(0, (arrived - due[(int) index]) / 1000)));
                }
            }
        });
        double cpuBefore = ProcessMemory.cpuSeconds(app.pid());
        double compilerBefore = ProcessMemory.compilerCpuSeconds(app.pid());
        URI uri = URI.create(app.url("/webhooks/insurance-claims"));
        long interval = (long) (1e9 / rate);
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        for (int i = 0; i < total; i++) {
            long dueAt = start + i * interval;
            due[i] = dueAt;
            long wait;
            while ((wait = dueAt - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            boolean record = i >= warmUpCount;
            HttpRequest request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(claim(first + i))).build();
            client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
                long took = (System.nanoTime() - dueAt) / 1000;
                if (failure == null && response.statusCode() == 202) {
                    accepted.incrementAndGet();
                    acceptedSoFar.incrementAndGet();
                    if (record) {
                        acceptance.recordValue(Math.min(HIGHEST_MICROS, took));
                    }
                } else {
                    refused.incrementAndGet();
                }
                answered.incrementAndGet();
            });
        }
        long lastSent = System.nanoTime();
        long backlog = accepted.get() - delivered.get();
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                .until(() -> answered.get() == total);
        boolean drained;
        try {
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                    .until(() -> delivered.get() >= accepted.get());
            drained = true;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            drained = false;
        }
        double drainSeconds = (System.nanoTime() - lastSent) / 1e9;
        double cpu = ProcessMemory.cpuSeconds(app.pid()) - cpuBefore;
        double compiler = ProcessMemory.compilerCpuSeconds(app.pid()) - compilerBefore;
        return new Step(rate, total - warmUpCount, accepted.get() - warmUpCount, refused.get(), acceptance, endToEnd,
                backlog, drained, drainSeconds, cpu * 1000 / total, cpu > 0 ? compiler / cpu : 0);
    }

    private static String claim(long number) {
        return "{\"claimNumber\":\"CLM-" + number + "\",\"policyNumber\":\"AUT-4410023\",\"lossDate\":\"2026-11-26\","
                + "\"reportedAt\":\"" + Instant.now() + "\",\"lossType\":\"auto-collision\",\"claimedAmount\":4820.50,"
                + "\"currency\":\"EUR\",\"channel\":\"mobile\",\"description\":\"Rear-ended at a red light.\","
                + "\"claimant\":{\"name\":\"Bench Example\",\"email\":\"bench@example.com\"}}";
    }

    static Map<String, Object> percentiles(Histogram micros) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", micros.getTotalCount());
        m.put("p50", ms(micros.getValueAtPercentile(50)));
        m.put("p99", ms(micros.getValueAtPercentile(99)));
        m.put("p99.9", ms(micros.getValueAtPercentile(99.9)));
        m.put("max", ms(micros.getMaxValue()));
        return m;
    }

    private static double ms(long micros) {
        return round(micros / 1000.0);
    }

    static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    @Override
    public void close() {
        completions.shutdownNow();
    }
}
