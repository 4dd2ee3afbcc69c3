package io.syncline.record;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** The tally of one file or one pull run, shared by reference with every chunk split from it. */
public final class BatchRun {

    private final String flow;
    private final IntakeKind intake;
    private final String source;
    private final Instant startedAt = Instant.now();
    private final AtomicLong rowsRead = new AtomicLong();
    private final AtomicLong valid = new AtomicLong();
    private final AtomicLong invalid = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong staleSkipped = new AtomicLong();
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

    /** A chunk of it went through validation: how many records were valid, how many not. */
    public void validated(long validCount, long invalidCount) {
        valid.addAndGet(validCount);
        invalid.addAndGet(invalidCount);
    }

    public void published(long count) {
        published.addAndGet(count);
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
