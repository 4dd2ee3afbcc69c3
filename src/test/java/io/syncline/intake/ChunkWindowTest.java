package io.syncline.intake;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.syncline.pipeline.SyncProperties;

/**
 * A file's chunks in flight, on real threads: the checkpoint only ever names a line every chunk up to which is done,
 * a chunk is handed out only once the one before it holds its keys, and the first failure stops the file.
 */
class ChunkWindowTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final CamelContext camel = new DefaultCamelContext();
    /** Chunk number to the latch its delivery waits on before it ends; chunks without one end at once. */
    private final Map<Integer, CountDownLatch> holdBack = new ConcurrentHashMap<>();
    /** Chunk number to the latch its delivery waits on before it holds its keys. */
    private final Map<Integer, CountDownLatch> holdKeysBack = new ConcurrentHashMap<>();
    private final List<Integer> delivered = new CopyOnWriteArrayList<>();
    private final List<Long> checkpoints = new CopyOnWriteArrayList<>();
    private final AtomicInteger chunksDone = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger mostInFlight = new AtomicInteger();

    @AfterEach
    void stop() {
        holdBack.values().forEach(CountDownLatch::countDown);
        holdKeysBack.values().forEach(CountDownLatch::countDown);
        threads.shutdownNow();
    }

    @Test
    void theCheckpointWaitsForAnEarlierChunkStillInFlight() throws Exception {
        ChunkWindow window = window(2);
        holdBack.put(0, new CountDownLatch(1));
        window.handOut(chunk(0), 50L);
        window.handOut(chunk(1), 100L);

        await().atMost(WAIT).until(() -> window.doneAhead() == 1);
        assertEquals(List.of(), checkpoints, "chunk 1 is done, but chunk 0 is not: no line may be named done");
        assertEquals(0, chunksDone.get());

        holdBack.get(0).countDown();
        window.drain();
        assertEquals(List.of(100L), checkpoints);
        assertEquals(2, chunksDone.get());
        assertEquals(2, mostInFlight.get());
    }

    @Test
    void aChunkHoldsItsSlotUntilTheCheckpointCoversItSoACrashRepeatsAtMostTheWindow() throws Exception {
        ChunkWindow window = window(2);
        holdBack.put(0, new CountDownLatch(1));
        holdBack.put(1, new CountDownLatch(1));
        window.handOut(chunk(0), 1L);
        window.handOut(chunk(1), 2L);
        CompletableFuture<Void> third = CompletableFuture.runAsync(() -> handOut(window, 2, 3L), threads);

        await().atMost(WAIT).until(() -> delivered.size() == 2);
        assertFalse(third.isDone(), "a third chunk went out while two were in flight");
        // chunk 1 is done, chunk 0 still retrying: the file does not run ahead of its checkpoint
        holdBack.get(1).countDown();
        await().atMost(WAIT).until(() -> window.doneAhead() == 1);
        assertFalse(third.isDone(), "a third chunk went out while the checkpoint still waited for chunk 0");
        holdBack.get(0).countDown();
        third.get(10, TimeUnit.SECONDS);
        window.drain();
        assertEquals(List.of(0, 1, 2), delivered.stream().sorted().toList());
        assertEquals(2, mostInFlight.get());
        assertEquals(List.of(2L, 3L), checkpoints);
        assertEquals(3, chunksDone.get());
    }

    @Test
    void aChunkIsHandedOutOnlyOnceTheOneBeforeItHoldsItsKeys() throws Exception {
        ChunkWindow window = window(2);
        holdKeysBack.put(0, new CountDownLatch(1));
        window.handOut(chunk(0), 1L);
        Thread splitter = new Thread(() -> handOut(window, 1, 2L));
        splitter.start();

        await().atMost(WAIT).until(() -> splitter.getState() == Thread.State.WAITING);
        assertEquals(java.util.Set.of(0), deliveredOn.keySet(), "chunk 1 went out before chunk 0 held its keys");
        holdKeysBack.get(0).countDown();
        splitter.join(WAIT.toMillis());
        window.drain();
        assertEquals(List.of(0, 1), delivered);
    }

    @Test
    void theFirstFailureStopsTheFileAndNamesNoLaterLine() throws Exception {
        ChunkWindow window = window(2);
        holdBack.put(0, new CountDownLatch(1));
        holdBack.put(1, new CountDownLatch(1));
        IllegalStateException deadLettersDown = new IllegalStateException("Dead letters could not be written");
        handOutFailing(window, 0, 10L, deadLettersDown);
        window.handOut(chunk(1), 20L);
        holdBack.get(0).countDown();

        await().atMost(WAIT).until(window::failed);
        assertSame(deadLettersDown, assertThrows(IllegalStateException.class, () -> window.handOut(chunk(2), 30L)));
        holdBack.get(1).countDown();
        assertSame(deadLettersDown, assertThrows(IllegalStateException.class, window::drain));
        assertEquals(List.of(), checkpoints, "a line after a failed chunk was named done");
        assertEquals(List.of(0, 1), delivered.stream().sorted().toList());
        assertEquals(0, chunksDone.get());
    }

    @Test
    void aWindowOfOneDeliversOnTheCallersThreadAndThrowsItsFailureAtOnce() throws Exception {
        ChunkWindow window = window(1);
        Thread caller = Thread.currentThread();
        window.handOut(chunk(0), 5L);
        assertEquals(List.of(5L), checkpoints);
        assertSame(caller, deliveredOn.get(0));

        IllegalStateException refused = new IllegalStateException("refused");
        assertSame(refused, assertThrows(IllegalStateException.class, () -> handOutFailing(window, 1, 6L, refused)));
        assertEquals(List.of(5L), checkpoints);
    }

    @Test
    void aChunkNoThreadCouldBeStartedForStopsTheFileAndGivesItsSlotBack() throws Exception {
        OutOfMemoryError noThread = new OutOfMemoryError("unable to create native thread: possibly out of memory or process/resource limits reached");
        ChunkWindow window = new ChunkWindow(2, task -> {
            throw noThread;
        }, this::deliver, checkpoints::add, chunksDone::incrementAndGet);

        IllegalStateException stopped = assertThrows(IllegalStateException.class, () -> window.handOut(chunk(0), 50L));
        assertSame(noThread, stopped.getCause());
        assertTrue(window.failed());
        // the report and the move wait for every chunk in flight: none is, so this returns
        CompletableFuture<Void> drained = CompletableFuture.runAsync(window::drainQuietly, threads);
        drained.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertEquals(List.of(), checkpoints);
    }

    @Test
    void aFailureBetweenTheSplitsHasNextAndNextIsTheFailureTheSplitEndsWith() throws Exception {
        ChunkWindow window = window(2);
        Iterator<Integer> chunks = window.untilFailed(List.of(0, 1, 2).iterator());
        assertTrue(chunks.hasNext());
        IllegalStateException refused = new IllegalStateException("refused");
        window.stop(refused);
        assertSame(refused, assertThrows(IllegalStateException.class, chunks::next));
        assertFalse(chunks.hasNext());
    }

    @Test
    void aStepAfterTheCheckpointThatThrowsStopsTheFileAndStillGivesTheSlotBack() throws Exception {
        IllegalStateException counting = new IllegalStateException("chunk not counted");
        ChunkWindow window = new ChunkWindow(2, threads, this::deliver, checkpoints::add, () -> {
            throw counting;
        });
        window.handOut(chunk(0), 50L);

        // the drain must not wait for a slot the chunk never gave back
        CompletableFuture<Void> drained = CompletableFuture.runAsync(window::drain, threads);
        ExecutionException failed = assertThrows(ExecutionException.class, () -> drained.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        assertSame(counting, failed.getCause());
        assertEquals(List.of(50L), checkpoints);
    }

    @Test
    void aWindowOfNoChunksIsRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> window(0));
        assertEquals("chunks-in-flight must be at least 1, was 0", refused.getMessage());
    }

    private final Map<Integer, Thread> deliveredOn = new ConcurrentHashMap<>();
    private final Map<Integer, RuntimeException> failWith = new ConcurrentHashMap<>();

    private ChunkWindow window(int size) {
        return new ChunkWindow(size, threads, this::deliver, checkpoints::add, chunksDone::incrementAndGet);
    }

    /** What the shared pipeline does with the chunk, as far as the window sees it. */
    private void deliver(Exchange chunk) {
        int number = chunk.getMessage().getBody(Integer.class);
        deliveredOn.put(number, Thread.currentThread());
        mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
            released(holdKeysBack.get(number));
            delivered.add(number);
            // the version guard, once the chunk holds its keys
            chunk.getProperty(SyncProperties.KEYS_HELD, CompletableFuture.class).complete(null);
            released(holdBack.get(number));
            RuntimeException failure = failWith.get(number);
            if (failure != null) {
                chunk.setException(failure);
            }
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private static void released(CountDownLatch latch) {
        try {
            if (latch != null && !latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("a test latch was never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Exchange chunk(int number) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(number);
        return exchange;
    }

    private void handOut(ChunkWindow window, int number, long lastLine) {
        try {
            window.handOut(chunk(number), lastLine);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handOutFailing(ChunkWindow window, int number, long lastLine, RuntimeException failure) throws InterruptedException {
        failWith.put(number, failure);
        window.handOut(chunk(number), lastLine);
    }
}
