package io.syncline.intake;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.MalformedInputException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import io.syncline.record.BatchRun;
import io.syncline.record.SourceRecord;

/**
 * Streams a file as chunks of records, so a file of any size is read with the memory of one chunk. Camel's
 * splitter closes it when the split ends, whether or not it ran to the end.
 */
abstract class ChunkReader implements Iterator<List<SourceRecord>>, Closeable {

    private final BufferedReader reader;
    private final int chunkSize;
    private final BatchRun run;
    private List<SourceRecord> pending;
    private long skipThroughLine;

    ChunkReader(BufferedReader reader, int chunkSize, BatchRun run) {
        this.reader = reader;
        this.chunkSize = chunkSize;
        this.run = run;
    }

    /** Rows on lines up to this one were delivered by an earlier, interrupted run: read past them. */
    void skipThrough(long line) {
        this.skipThroughLine = line;
    }

    /** The next record, or null at the end of the file. */
    abstract SourceRecord readRecord() throws IOException;

    /** Where the reader is, for an error message. */
    abstract long line();

    BufferedReader reader() {
        return reader;
    }

    @Override
    public boolean hasNext() {
        if (pending == null) {
            pending = readChunk();
        }
        return !pending.isEmpty();
    }

    @Override
    public List<SourceRecord> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        List<SourceRecord> chunk = pending;
        pending = null;
        return chunk;
    }

    private List<SourceRecord> readChunk() {
        List<SourceRecord> chunk = new ArrayList<>(chunkSize);
        try {
            SourceRecord record;
            while (chunk.size() < chunkSize && (record = readRecord()) != null) {
                if (record.line() != null && record.line() <= skipThroughLine) {
                    continue;
                }
                run.rowRead();
                chunk.add(record);
            }
        } catch (MalformedInputException e) {
            throw new FileRejectedException("not UTF-8 text near line " + line());
        } catch (IOException e) {
            throw new UncheckedIOException("Reading stopped near line " + line() + ": " + e.getMessage(), e);
        }
        return chunk;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
