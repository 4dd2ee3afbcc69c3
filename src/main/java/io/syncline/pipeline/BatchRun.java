package io.syncline.pipeline;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** The tally of one file or one pull run, shared by reference with every chunk split from it. */
public final class BatchRun {

    private final String flow;
    private final IntakeKind intake;
    private final String source;
    private final Instant startedAt = Instant.now();
    final AtomicLong rowsRead = new AtomicLong();
    final AtomicLong valid = new AtomicLong();
    final AtomicLong invalid = new AtomicLong();
    final AtomicLong published = new AtomicLong();
    final AtomicLong deadLettered = new AtomicLong();
    final AtomicLong staleSkipped = new AtomicLong();
    private volatile long resumedAfterLine;

    public BatchRun(String flow, IntakeKind intake, String source) {
        this.flow = flow;
        this.intake = intake;
        this.source = source;
    }

    public String flow() {
        return flow;
    }

    public IntakeKind intake() {
        return intake;
    }

    public String source() {
        return source;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public void rowRead() {
        rowsRead.incrementAndGet();
    }

    public long rowsRead() {
        return rowsRead.get();
    }

    public long valid() {
        return valid.get();
    }

    public long invalid() {
        return invalid.get();
    }

    public long published() {
        return published.get();
    }

    public long deadLettered() {
        return deadLettered.get();
    }

    /** The line a crashed earlier run had finished; rows up to it were not read again. */
    public long resumedAfterLine() {
        return resumedAfterLine;
    }

    public void resumedAfterLine(long line) {
        resumedAfterLine = line;
    }

    public long staleSkipped() {
        return staleSkipped.get();
    }

    public void staleSkipped(long count) {
        staleSkipped.addAndGet(count);
    }

    public void deadLettered(long count) {
        deadLettered.addAndGet(count);
    }
}
