package io.syncline.intake;

import java.io.Closeable;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;

import io.syncline.record.SourceRecord;

/**
 * A file's chunks, each checked one chunk ahead on another thread: while the route delivers a chunk, the next one is
 * parsed, validated and mapped. At most one chunk waits checked. The reading itself stays on the route's thread and in
 * file order; the chunks are then handed out in that order ({@link ChunkWindow}). The reader is asked for the next chunk as soon as one is handed out,
 * not when the route asks whether there is another: Camel's streaming split asks that before it delivers the chunk it
 * holds, and a wait for the next chunk's check there would undo the overlap. A read or check that fails fails the
 * chunk it was reading, with the reader's own exception.
 */
final class ChunksAhead implements Iterator<List<SourceRecord>>, Closeable {

    private final ChunkReader reader;
    private final UnaryOperator<List<SourceRecord>> check;
    private final Executor executor;
    /** The next chunk being checked; null before the first read and after the last chunk. */
    private CompletableFuture<List<SourceRecord>> ahead;
    private boolean started;

    ChunksAhead(ChunkReader reader, UnaryOperator<List<SourceRecord>> check, Executor executor) {
        this.reader = reader;
        this.check = check;
        this.executor = executor;
    }

    @Override
    public boolean hasNext() {
        if (!started) {
            started = true;
            readAhead();
        }
        return ahead != null;
    }

    @Override
    public List<SourceRecord> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        CompletableFuture<List<SourceRecord>> current = ahead;
        if (current.isCompletedExceptionally()) {
            ahead = null; // a reader that failed is not read again
        } else {
            readAhead();
        }
        try {
            return current.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** Reads the next chunk here and starts its check on the executor; none once the file is read. */
    private void readAhead() {
        List<SourceRecord> raw;
        try {
            if (!reader.hasNext()) {
                ahead = null;
                return;
            }
            raw = reader.next();
        } catch (RuntimeException failedRead) {
            // the chunk being handed out goes first; this one fails when its turn comes
            ahead = CompletableFuture.failedFuture(failedRead);
            return;
        }
        ahead = CompletableFuture.supplyAsync(() -> check.apply(raw), executor);
    }

    /**
     * Waits for a check still under way (its chunk may be discarded, but not while another thread uses it), then
     * closes the file.
     */
    @Override
    public void close() throws IOException {
        try {
            if (ahead != null) {
                ahead.join();
            }
        } catch (RuntimeException failedCheck) {
            // the route already has it, or stopped before it needed it
        } finally {
            reader.close();
        }
    }
}
