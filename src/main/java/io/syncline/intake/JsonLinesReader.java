package io.syncline.intake;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.function.LongFunction;

import io.syncline.record.BatchRun;
import io.syncline.record.IntakeKind;
import io.syncline.record.SourceRecord;

/** One JSON document per line; blank lines are skipped but counted, so line numbers match an editor's. */
final class JsonLinesReader extends ChunkReader {

    private final String flow;
    private final String fileName;
    private final LongFunction<String> eventIds;
    private final int maxLineLength;
    private final java.time.Instant receivedAt = java.time.Instant.now();
    private long line;

    JsonLinesReader(BufferedReader reader, int chunkSize, BatchRun run, String flow, String fileName,
            LongFunction<String> eventIds, int maxLineLength) {
        super(reader, chunkSize, run);
        this.flow = flow;
        this.fileName = fileName;
        this.eventIds = eventIds;
        this.maxLineLength = maxLineLength;
    }

    @Override
    SourceRecord readRecord() throws IOException {
        String text;
        while ((text = readBoundedLine()) != null) {
            line++;
            if (text == TOO_LONG) {
                return new SourceRecord(flow, IntakeKind.FILE, eventIds.apply(line), receivedAt, "", SourceRecord.JSON, fileName,
                        line, "line longer than sync.limits.max-line-length (" + maxLineLength + " characters)");
            }
            if (line == 1 && text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
            if (!text.isBlank()) {
                return new SourceRecord(flow, IntakeKind.FILE, eventIds.apply(line), receivedAt, text, SourceRecord.JSON,
                        fileName, line, null);
            }
        }
        return null;
    }

    private static final String TOO_LONG = new String("line too long");

    /** The next line, or {@link #TOO_LONG} (the rest of that line skipped unread into memory), or null at the end. */
    private String readBoundedLine() throws IOException {
        StringBuilder text = new StringBuilder();
        boolean tooLong = false;
        int c;
        while ((c = reader().read()) != -1) {
            if (c == '\n') {
                return tooLong ? TOO_LONG : stripCr(text);
            }
            if (!tooLong) {
                if (text.length() >= maxLineLength) {
                    tooLong = true;
                    text.setLength(0);
                } else {
                    text.append((char) c);
                }
            }
        }
        if (tooLong) {
            return TOO_LONG;
        }
        return text.length() == 0 ? null : stripCr(text);
    }

    private static String stripCr(StringBuilder text) {
        int end = text.length();
        return end > 0 && text.charAt(end - 1) == '\r' ? text.substring(0, end - 1) : text.toString();
    }

    @Override
    long line() {
        return line;
    }
}
