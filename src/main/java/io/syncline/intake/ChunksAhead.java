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
 * A file's chunks, each read and checked one chunk ahead on another thread: while the route delivers a chunk, the next
 * one is read, parsed, validated and mapped. At most one chunk waits, so a file still takes the memory of two chunks.
 * The reading stays in file order (one read at a time) and so does the delivery (on the route's thread), so versions,
 * dead letters and checkpoints are written exactly as without it. A read that fails fails the chunk it was reading,
 * with the reader's own exception.
 */
final class ChunksAhead implements Iterator<List<SourceRecord>>, Closeable {

    private final ChunkReader reader;
    private final UnaryOperator<List<SourceRecord>> check;
    private final Executor executor;
    private CompletableFuture<List<SourceRecord>> ahead;

    ChunksAhead(ChunkReader reader, UnaryOperator<List<SourceRecord>> check, Executor executor) {
        this.reader = reader;
        this.check = check;
        this.executor = executor;
    }

    @Override
    public boolean hasNext() {
        return !awaitAhead().isEmpty();
    }

    @Override
    public List<SourceRecord> next() {
        List<SourceRecord> chunk = awaitAhead();
        if (chunk.isEmpty()) {
            throw new NoSuchElementException();
        }
        readAhead();
        return chunk;
    }

    private List<SourceRecord> awaitAhead() {
        if (ahead == null) {
            readAhead();
        }
        try {
            return ahead.join();
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

    private void readAhead() {
        ahead = CompletableFuture.supplyAsync(() -> reader.hasNext() ? check.apply(reader.next()) : List.of(), executor);
    }

    /** Waits for a read still under way (the reader is not shared between threads), then closes the file. */
    @Override
    public void close() throws IOException {
        try {
            if (ahead != null) {
                ahead.join();
            }
        } catch (RuntimeException failedRead) {
            // the route already has it, or stopped before it needed it
        } finally {
            reader.close();
        }
    }
}
