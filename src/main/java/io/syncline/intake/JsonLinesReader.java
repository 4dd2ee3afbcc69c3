package io.syncline.intake;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.function.LongFunction;

import io.syncline.pipeline.BatchRun;
import io.syncline.pipeline.SourceRecord;

/** One JSON document per line; blank lines are skipped but counted, so line numbers match an editor's. */
final class JsonLinesReader extends ChunkReader {

    private final String flow;
    private final String fileName;
    private final LongFunction<String> eventIds;
    private final java.time.Instant receivedAt = java.time.Instant.now();
    private long line;

    JsonLinesReader(BufferedReader reader, int chunkSize, BatchRun run, String flow, String fileName,
            LongFunction<String> eventIds) {
        super(reader, chunkSize, run);
        this.flow = flow;
        this.fileName = fileName;
        this.eventIds = eventIds;
    }

    @Override
    SourceRecord readRecord() throws IOException {
        String text;
        while ((text = reader().readLine()) != null) {
            line++;
            if (line == 1 && text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
            if (!text.isBlank()) {
                return new SourceRecord(flow, "file", eventIds.apply(line), receivedAt, text, SourceRecord.JSON,
                        fileName, line, null);
            }
        }
        return null;
    }

    @Override
    long line() {
        return line;
    }
}
