package io.syncline.intake;

import java.io.Closeable;
import java.io.IOException;
import java.util.Iterator;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.function.LongConsumer;

import org.apache.camel.Exchange;

import io.syncline.pipeline.SyncProperties;

/**
 * A file's chunks in flight: up to {@code size} of them are delivered at once, each on a thread of its own, so one
 * chunk's wait for the target (the outbox's forced write, an http answer) overlaps the next chunk's work. What stays
 * as with one chunk at a time:
 * <ul>
 * <li>the checkpoint only ever names a line every chunk up to which was delivered or dead-lettered, and a chunk holds its
 * slot until the checkpoint covers it (a crash repeats at most {@code size} chunks, whose upserts and versions make the
 * repeat harmless; a chunk that retries holds the file back rather than letting it run ahead);</li>
 * <li>two versions of one key reach the target in file order: a chunk is handed out only once the one before it holds
 * its keys (or is done), so chunks take their key holds in file order, and a chunk sharing a key with the one before
 * waits until that one's versions are written;</li>
 * <li>the first chunk that fails stops the file: no further chunk is handed out, and the file's report waits until
 * every chunk in flight has ended ({@link #drain}).</li>
 * </ul>
 * Chunks are handed out from the split's one thread, in file order; they end on the delivery threads.
 */
final class ChunkWindow {

    /** Delivers a chunk (a copy of the split's exchange) through the shared pipeline; failures stay on the exchange. */
    interface Delivery {
        void deliver(Exchange chunk);
    }

    private final int size;
    private final Semaphore slots;
    private final Executor executor;
    private final Delivery delivery;
    /** Called with the new checkpoint line, in file order, under this window's lock. */
    private final LongConsumer checkpoint;
    private final Runnable chunkDone;
    /** Number of the next chunk handed out; the split's thread only. */
    private long handedOut;
    /** Completed once the last chunk handed out holds its keys, or ended. */
    private CompletableFuture<Void> lastHolds = CompletableFuture.completedFuture(null);
    /** Chunks done while one before them is still in flight: their number and last line (-1: none). */
    private final TreeMap<Long, Long> doneAhead = new TreeMap<>();
    private long nextToCheckpoint;
    private volatile RuntimeException failure;

    ChunkWindow(int size, Executor executor, Delivery delivery, LongConsumer checkpoint, Runnable chunkDone) {
        if (size < 1) {
            throw new IllegalArgumentException("chunks-in-flight must be at least 1, was " + size);
        }
        this.size = size;
        this.slots = new Semaphore(size);
        this.executor = executor;
        this.delivery = delivery;
        this.checkpoint = checkpoint;
        this.chunkDone = chunkDone;
    }

    /**
     * Hands the chunk out: waits for a free slot and for the chunk before it to hold its keys, then delivers it on
     * another thread (on this one when the window is one chunk wide). Throws the failure of a chunk handed out
     * earlier instead, so the file stops.
     *
     * @param lastLine the chunk's last line, or null when it has none
     */
    void handOut(Exchange chunk, Long lastLine) throws InterruptedException {
        rethrowFailure();
        slots.acquire();
        try {
            lastHolds.join();
            rethrowFailure();
        } catch (RuntimeException e) {
            slots.release();
            throw e;
        }
        long number = handedOut++;
        CompletableFuture<Void> holds = new CompletableFuture<>();
        lastHolds = holds;
        // the version guard completes it once the chunk holds its keys
        chunk.setProperty(SyncProperties.KEYS_HELD, holds);
        Runnable task = () -> {
            try {
                delivery.deliver(chunk);
            } catch (RuntimeException e) {
                chunk.setException(e);
            } catch (Error e) {
                // an Error is no success: the chunk fails, the checkpoint stays before it
                chunk.setException(unchecked(e));
                throw e;
            } finally {
                holds.complete(null);
                ended(number, lastLine, chunk.getException());
            }
        };
        if (size == 1) {
            task.run();
            rethrowFailure();
            return;
        }
        try {
            executor.execute(task);
        } catch (RuntimeException | Error refused) {
            // the pool is shutting down, or no thread could be started for it (OutOfMemoryError: unable to create
            // native thread): the chunk never started, its slot is given back, and the file stops here
            RuntimeException cause = unchecked(refused);
            chunk.setException(cause);
            holds.complete(null);
            ended(number, lastLine, cause);
            throw cause;
        }
    }

    /** Waits until no chunk is in flight; throws the first failure, if any chunk failed. */
    void drain() {
        drainQuietly();
        rethrowFailure();
    }

    /**
     * Waits until no chunk is in flight, whatever they ended with (the file failed already). Not interruptible: the
     * report and the move of the file must not come before a chunk still being delivered.
     */
    void drainQuietly() {
        slots.acquireUninterruptibly(size);
        slots.release(size);
    }

    /** Whether a chunk failed (the file stops). */
    boolean failed() {
        return failure != null;
    }

    /** A chunk failed before it was handed out (a step of the flow's own): the file stops. */
    synchronized void stop(RuntimeException cause) {
        fail(cause);
    }

    /**
     * The file's chunks until one fails. Camel's streaming split, stopped by a failed chunk, still walks its iterator
     * to the end before it answers (Camel 4.17, checked in session 13): a file failing at its first chunk would be read
     * and checked to its last row before its report.
     */
    <T> Iterator<T> untilFailed(Iterator<T> chunks) {
        return new UntilFailed<>(chunks);
    }

    private final class UntilFailed<T> implements Iterator<T>, Closeable {
        private final Iterator<T> chunks;

        UntilFailed(Iterator<T> chunks) {
            this.chunks = chunks;
        }

        @Override
        public boolean hasNext() {
            return !failed() && chunks.hasNext();
        }

        @Override
        public T next() {
            // a chunk failed between hasNext() and next(): the split ends with that failure, not with a
            // NoSuchElementException that would take its place in the file's report
            rethrowFailure();
            return chunks.next();
        }

        @Override
        public void close() throws IOException {
            if (chunks instanceof Closeable closeable) {
                closeable.close();
            }
        }
    }

    /**
     * A chunk ended. Its slot is given back once the checkpoint covers it, not before: a chunk that is still retrying
     * holds the chunks done after it in the window, so a crash never repeats more than {@code size} chunks. Once the
     * file failed, every chunk gives its slot back as it ends.
     */
    private synchronized void ended(long number, Long lastLine, Exception error) {
        if (error != null) {
            fail(unchecked(error));
            slots.release();
            return;
        }
        if (failure != null) {
            slots.release(); // the file stops here: no later line may be named as done
            return;
        }
        doneAhead.put(number, lastLine == null ? -1L : lastLine);
        long line = -1;
        int covered = 0;
        while (!doneAhead.isEmpty() && doneAhead.firstKey() == nextToCheckpoint) {
            long chunkLine = doneAhead.pollFirstEntry().getValue();
            line = chunkLine >= 0 ? chunkLine : line;
            nextToCheckpoint++;
            covered++;
        }
        try {
            if (line >= 0) {
                checkpoint.accept(line);
            }
            for (int i = 0; i < covered; i++) {
                chunkDone.run();
            }
        } catch (RuntimeException e) {
            fail(e);
        } catch (Error e) {
            fail(unchecked(e));
            throw e;
        } finally {
            slots.release(covered);
        }
    }

    /** A failure as the file's: itself when unchecked, else wrapped (an Error, a checked exception) with its text. */
    static RuntimeException unchecked(Throwable failure) {
        return failure instanceof RuntimeException runtime ? runtime : new IllegalStateException(failure.toString(), failure);
    }

    /** The first failure stops the file; the chunks done after a chunk still in flight give their slots back. */
    private void fail(RuntimeException cause) {
        if (failure == null) {
            failure = cause;
            slots.release(doneAhead.size());
            doneAhead.clear();
        }
    }

    /** Chunks done while one before them is still in flight (for tests). */
    synchronized int doneAhead() {
        return doneAhead.size();
    }

    private void rethrowFailure() {
        RuntimeException failed = failure;
        if (failed != null) {
            throw failed;
        }
    }
}
