package io.syncline.bench;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import io.syncline.packaged.PackagedApp;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * Open-loop load on {@code POST /webhooks/insurance-claims}: request i is due at {@code start + i / rate} whatever
 * happened to the requests before it, and every latency is measured from that due time, so a stalled server is
 * charged for the requests it held up (no coordinated omission). Acceptance latency: due time to the 202.
 * End-to-end: due time to the sink receiving the envelope, matched by its key (the claim number).
 * <p>
 * The requests go out through one Vert.x event loop on up to {@link #CONNECTIONS} kept-alive connections; what is due
 * while all of them wait for an answer queues in the client, and its latency counts from its due time. The JDK's
 * {@code java.net.http.HttpClient} did the same at about 2 ms of CPU per request on the 2-core machine, more than
 * Syncline took per event: above 500/s the benchmark measured its own load generator. {@code loadCpuMsPerEvent} is what
 * this JVM (the load generator and the sink) spends per event, so a run shows how much of the machine it took.
 */
final class RealtimeLoad implements AutoCloseable {

    private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(10);
    private static final AtomicLong CLAIMS = new AtomicLong(100_000_000L);

    /**
     * Senders do not wait for one another: what is due goes out on a connection of its own when the others are busy, as
     * it did through the JDK's client. 64 connections queued requests in the client behind a stalled cold start until
     * a step outlasted its minute. Connections are kept for 10 minutes, longer than any pause between two runs. An
     * answer counts once all of it is read (see {@link #run} for how, and docs/benchmarks.md, session 11, for the
     * answers the client lost before).
     */
    static final int CONNECTIONS = 1024;

    private final AtomicLong acceptedSoFar = new AtomicLong();
    private final URI webhook;
    private final long pid;
    /** Null when the server only accepts (the door baseline): no delivery is measured. */
    private final Sink sink;
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
            .setInternalBlockingPoolSize(1));
    /** Longer than any pause between two runs (a drain waits up to a minute): see {@link #CONNECTIONS}. */
    private final HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
            .setKeepAliveTimeout(600).setConnectTimeout(5_000), new PoolOptions().setHttp1MaxSize(CONNECTIONS));

    RealtimeLoad(PackagedApp app, Sink sink) {
        this(URI.create(app.url("/webhooks/insurance-claims")), app.pid(), sink);
    }

    /** Load on any server that answers the webhook's {@code POST} (process {@code pid}); {@code sink} may be null. */
    RealtimeLoad(URI webhook, long pid, Sink sink) {
        this.webhook = webhook;
        this.pid = pid;
        this.sink = sink;
    }

    /** What one run at a fixed rate measured. */
    record Step(double rate, int sent, int accepted, int refused, Histogram acceptanceMicros, Histogram endToEndMicros,
            long backlogAtLastSend, boolean drained, double drainSeconds, double cpuMsPerEvent, double compilerShare,
            double loadCpuMsPerEvent) {

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
            m.put("loadCpuMsPerEvent", round(loadCpuMsPerEvent));
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
                .until(() -> sink == null || sink.total() >= acceptedSoFar.get());
        int warmUpCount = (int) (rate * warmUp.toNanos() / 1e9);
        int total = warmUpCount + (int) (rate * measured.toNanos() / 1e9);
        long first = CLAIMS.getAndAdd(total);
        long[] due = new long[total];
        Histogram acceptance = new ConcurrentHistogram(HIGHEST_MICROS, 3);
        Histogram endToEnd = new ConcurrentHistogram(HIGHEST_MICROS, 3);
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger delivered = new AtomicInteger();
        Sink.Arrivals arrivals = (key, arrived) -> {
            long index = Long.parseLong(key.substring(4)) - first;
            if (index >= 0 && index < total) {
                delivered.incrementAndGet();
                if (index >= warmUpCount) {
                    endToEnd.recordValue(Math.min(HIGHEST_MICROS, Math.max(0, (arrived - due[(int) index]) / 1000)));
                }
            }
        };
        if (sink != null) {
            sink.reset(arrivals);
        }
        double cpuBefore = ProcessMemory.cpuSeconds(pid);
        double compilerBefore = ProcessMemory.compilerCpuSeconds(pid);
        double loadBefore = ProcessMemory.cpuSeconds(ProcessHandle.current().pid());
        RequestOptions post = new RequestOptions().setMethod(HttpMethod.POST).setHost(webhook.getHost())
                .setPort(webhook.getPort()).setURI(webhook.getPath()).putHeader("Content-Type", "application/json")
                .setTimeout(TimeUnit.SECONDS.toMillis(30));
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
            Buffer body = Buffer.buffer(claim(first + i));
            // body() in the same callback that has the response: asked for later (a compose further down the chain),
            // the client may already have dropped what came and the future never completes (eclipse-vertx/vert.x#5904)
            client.request(post).compose(request -> request.send(body)
                            .compose(response -> response.body().map(whole -> response.statusCode())))
                    .onComplete(answer -> {
                        long took = (System.nanoTime() - dueAt) / 1000;
                        if (answer.succeeded() && answer.result() == 202) {
                            accepted.incrementAndGet();
                            acceptedSoFar.incrementAndGet();
                            if (record) {
                                acceptance.recordValue(Math.min(HIGHEST_MICROS, took));
                            }
                        } else {
                            refused.incrementAndGet();
                        }
                    });
        }
        long lastSent = System.nanoTime();
        long backlog = accepted.get() - delivered.get();
        // an answer that never comes (or comes after a minute) counts as not accepted: the step is not sustained
        boolean answeredAll = within(Duration.ofSeconds(60), () -> accepted.get() + refused.get() == total);
        boolean drained = answeredAll && (sink == null || within(Duration.ofSeconds(60), () -> delivered.get() >= accepted.get()));
        double drainSeconds = (System.nanoTime() - lastSent) / 1e9;
        double cpu = ProcessMemory.cpuSeconds(pid) - cpuBefore;
        double compiler = ProcessMemory.compilerCpuSeconds(pid) - compilerBefore;
        double load = ProcessMemory.cpuSeconds(ProcessHandle.current().pid()) - loadBefore;
        return new Step(rate, total - warmUpCount, accepted.get() - warmUpCount, refused.get(), acceptance, endToEnd,
                backlog, drained, drainSeconds, cpu * 1000 / total, cpu > 0 ? compiler / cpu : 0, load * 1000 / total);
    }

    private static boolean within(Duration limit, Callable<Boolean> condition) {
        try {
            Awaitility.await().atMost(limit).pollInterval(Duration.ofMillis(5)).until(condition);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
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
        vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
    }
}
