package io.syncline.packaged;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The outbox of a packaged application's flow, read as the target keyed by external id. */
final class Outbox {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Outbox() {
    }

    /** How often each key is in the outbox. A line cut by a kill -9 is not a delivery: it is skipped. */
    static Map<String, Integer> keyCounts(Path... outboxes) throws IOException {
        Map<String, Integer> counts = new HashMap<>();
        for (Path outbox : outboxes) {
            if (!Files.isDirectory(outbox)) {
                continue;
            }
            try (Stream<Path> files = Files.list(outbox)) {
                for (Path file : files.toList()) {
                    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                        try {
                            counts.merge(JSON.readTree(line).path("key").asText(), 1, Integer::sum);
                        } catch (IOException torn) {
                            // the last line of a write that a kill interrupted, or one being written
                        }
                    }
                }
            }
        }
        return counts;
    }

    /** Lines in the outbox, without parsing them (cheap enough to poll a 100,000-row run). */
    static long lines(Path outbox) throws IOException {
        if (!Files.isDirectory(outbox)) {
            return 0;
        }
        long lines = 0;
        try (Stream<Path> files = Files.list(outbox)) {
            for (Path file : files.toList()) {
                try (Stream<String> l = Files.lines(file, StandardCharsets.UTF_8)) {
                    lines += l.filter(s -> !s.isBlank()).count();
                }
            }
        }
        return lines;
    }
}
