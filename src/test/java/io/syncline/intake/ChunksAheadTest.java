package io.syncline.intake;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.syncline.record.BatchRun;
import io.syncline.record.IntakeKind;
import io.syncline.record.SourceRecord;

/** A file's chunks read and checked one ahead, on a real file: the same chunks, in file order, and the reader's failures. */
class ChunksAheadTest {

    @TempDir
    Path dir;

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void everyRowComesInFileOrderWithAtMostOneChunkCheckedAhead() throws IOException {
        Path file = lines(1_005);
        AtomicInteger checked = new AtomicInteger();
        List<Long> delivered = new ArrayList<>();
        try (ChunksAhead chunks = new ChunksAhead(reader(file, 100), chunk -> {
            checked.incrementAndGet();
            return chunk;
        }, threads)) {
            int chunksDelivered = 0;
            while (chunks.hasNext()) {
                List<SourceRecord> chunk = chunks.next();
                chunksDelivered++;
                // the chunk handed out, and at most the one after it
                assertTrue(checked.get() <= chunksDelivered + 1, "checked " + checked.get() + " after " + chunksDelivered);
                chunk.forEach(record -> delivered.add(record.line()));
            }
            assertEquals(11, chunksDelivered);
        }
        assertEquals(1_005, delivered.size());
        for (int i = 0; i < delivered.size(); i++) {
            assertEquals(i + 1, delivered.get(i));
        }
    }

    @Test
    void aReadThatFailsAheadFailsTheChunkItWasReadingNotTheOnesBefore() throws IOException {
        Path file = dir.resolve("broken.jsonl");
        StringBuilder text = new StringBuilder();
        // lines of 100 bytes: the reader decodes 8 KiB ahead, the bad bytes lie well past the second chunk
        for (int line = 1; line <= 300; line++) {
            text.append(String.format("{\"n\":%5d,\"pad\":\"%s\"}%n", line, "x".repeat(79)));
        }
        byte[] head = text.toString().getBytes(StandardCharsets.UTF_8);
        byte[] notUtf8 = {'{', '"', 'n', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'};
        byte[] all = new byte[head.length + notUtf8.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(notUtf8, 0, all, head.length, notUtf8.length);
        Files.write(file, all);

        try (ChunksAhead chunks = new ChunksAhead(reader(file, 100), chunk -> chunk, threads)) {
            assertEquals(100, chunks.next().size());
            assertEquals(100, chunks.next().size());
            assertTrue(chunks.hasNext(), "the chunk that failed is still to come");
            FileRejectedException refused = assertThrows(FileRejectedException.class, chunks::next);
            assertThat(refused.getMessage(), containsString("not UTF-8 text near line"));
            assertFalse(chunks.hasNext(), "a reader that failed is not read again");
        }
    }

    @Test
    void askingForAnotherChunkDoesNotWaitForItsCheck() throws Exception {
        // Camel's streaming split asks hasNext() before it delivers the chunk it holds: that must not wait for the
        // next chunk's check, or delivery and check never overlap
        Path file = lines(300);
        CountDownLatch secondCheck = new CountDownLatch(1);
        // the second chunk known by its first line: two checks on two pool threads may start in either order
        try (ChunksAhead chunks = new ChunksAhead(reader(file, 100), chunk -> {
            if (chunk.get(0).line() == 101L) {
                try {
                    secondCheck.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return chunk;
        }, threads)) {
            assertEquals(1L, chunks.next().get(0).line());
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertTrue(chunks.hasNext()),
                    "hasNext() waited for the check of the chunk after the one handed out");
            secondCheck.countDown();
            assertEquals(101L, chunks.next().get(0).line());
            assertEquals(201L, chunks.next().get(0).line());
            assertFalse(chunks.hasNext());
        }
    }

    @Test
    void closingWhileTheNextChunkIsReadClosesTheFile() throws IOException {
        Path file = lines(500);
        JsonLinesReader reader = reader(file, 100);
        ChunksAhead chunks = new ChunksAhead(reader, chunk -> chunk, threads);
        chunks.next();
        chunks.close();
        assertThrows(IOException.class, () -> reader.reader().read());
        assertFalse(Thread.currentThread().isInterrupted());
    }

    private Path lines(int count) throws IOException {
        Path file = dir.resolve("rows.jsonl");
        StringBuilder text = new StringBuilder();
        for (int line = 1; line <= count; line++) {
            text.append("{\"n\":").append(line).append("}\n");
        }
        Files.writeString(file, text);
        return file;
    }

    private static JsonLinesReader reader(Path file, int chunkSize) throws IOException {
        BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        return new JsonLinesReader(in, chunkSize, new BatchRun("retail-orders", IntakeKind.FILE, file.getFileName().toString()),
                "retail-orders", file.getFileName().toString(), line -> "event-" + line, 1_000_000);
    }
}
