package io.syncline.bench;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpServer;

import io.syncline.support.LoopbackHttp;

/**
 * The {@code http} target of the benchmark: answers 200 to every POST and timestamps, per envelope, when it arrived
 * ({@link System#nanoTime()} of this JVM, the clock the load generator sends by).
 */
final class Sink implements AutoCloseable {

    /** Called once per envelope received, with the envelope's {@code key}. */
    interface Arrivals {
        void arrived(String key, long arrivedNanos);
    }

    private static final byte[] KEY_FIELD = "\"key\":\"".getBytes(StandardCharsets.US_ASCII);

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final Set<String> distinct = ConcurrentHashMap.newKeySet();
    private final AtomicLong received = new AtomicLong();
    private final Set<String> everDistinct = ConcurrentHashMap.newKeySet();
    private volatile Arrivals arrivals = (key, at) -> {
    };
    private volatile long lastArrivalNanos;

    Sink() {
        server = LoopbackHttp.start(executor, java.util.Map.of("/records", exchange -> {
            byte[] body = LoopbackHttp.body(exchange);
            long now = System.nanoTime();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
            record(body, now);
        }));
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/records";
    }

    /** Starts a new measurement: forgets what arrived so far. */
    void reset(Arrivals arrivals) {
        this.arrivals = arrivals;
        distinct.clear();
        received.set(0);
    }

    /** Envelopes received, repeats (at-least-once redeliveries) included. */
    long received() {
        return received.get();
    }

    /** Distinct keys received. */
    long distinct() {
        return distinct.size();
    }

    /** Distinct keys received since the sink started, across measurements. */
    long total() {
        return everDistinct.size();
    }

    long lastArrivalNanos() {
        return lastArrivalNanos;
    }

    private void record(byte[] body, long arrivedNanos) {
        int from = 0;
        while ((from = indexOf(body, KEY_FIELD, from)) >= 0) {
            int start = from + KEY_FIELD.length;
            int end = start;
            while (end < body.length && body[end] != '"') {
                end++;
            }
            String key = new String(body, start, end - start, StandardCharsets.US_ASCII);
            received.incrementAndGet();
            everDistinct.add(key);
            if (distinct.add(key)) {
                arrivals.arrived(key, arrivedNanos);
            }
            from = end;
        }
        lastArrivalNanos = arrivedNanos;
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
