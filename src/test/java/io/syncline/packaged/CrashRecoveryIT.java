package io.syncline.packaged;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.syncline.support.Claims;
import io.syncline.support.DataDirResource;
import io.syncline.support.RiskFiles;

/**
 * {@code kill -9} in the middle of the work, then a restart: every accepted event and every valid row is at the
 * target (the outbox, keyed by external id), and the repeats that at-least-once delivery allows are counted.
 */
class CrashRecoveryIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path WORK = Path.of("target", "it-data").toAbsolutePath();

    @Test
    void killedDuringABurstOfTenThousandWebhookEvents() throws Exception {
        Path dataDir = WORK.resolve("burst");
        DataDirResource.deleteRecursively(dataDir);
        int total = 10_000;
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        AtomicInteger refused = new AtomicInteger();

        PackagedApp first = PackagedApp.start(dataDir, Map.of(), WORK.resolve("burst-before.log"));
        ExecutorService senders = Executors.newFixedThreadPool(16);
        List<String> claims = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            claims.add(Claims.newClaimNumber());
        }
        for (String claim : claims) {
            senders.submit(() -> {
                try {
                    HttpResponse<String> answer = first.postJson("/webhooks/insurance-claims", Claims.valid(claim));
                    if (answer.statusCode() == 202) {
                        accepted.add(claim);
                    }
                } catch (IOException e) {
                    refused.incrementAndGet(); // the process is gone: not accepted, nothing promised
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        await().atMost(Duration.ofMinutes(3)).until(() -> accepted.size() >= total / 3);
        first.kill();
        senders.shutdown();
        assertTrue(senders.awaitTermination(2, TimeUnit.MINUTES));
        int acceptedBeforeKill = accepted.size();

        Path outbox = dataDir.resolve("outbox").resolve("insurance-claims");
        try (PackagedApp second = PackagedApp.start(dataDir, Map.of(), WORK.resolve("burst-after.log"))) {
            await().atMost(Duration.ofMinutes(3)).until(() -> Outbox.keyCounts(outbox).keySet().containsAll(accepted));
        }
        Map<String, Integer> counts = Outbox.keyCounts(outbox);
        assertTrue(claims.containsAll(counts.keySet()), "nothing at the target that was not sent");
        long repeats = counts.values().stream().mapToInt(c -> c - 1).sum();
        System.out.printf("burst: sent %d, accepted before kill -9 %d, refused %d, at target %d distinct keys, %d repeats%n",
                total, acceptedBeforeKill, refused.get(), counts.size(), repeats);
        assertEquals(acceptedBeforeKill, accepted.size());
    }

    @Test
    void killedInTheMiddleOfAHundredThousandRowFile() throws Exception {
        Path dataDir = WORK.resolve("big-file");
        DataDirResource.deleteRecursively(dataDir);
        String flow = "insurance-actuarial-risk";
        int rows = 100_000;
        String prefix = RiskFiles.newPrefix();
        Map<String, String> settings = Map.of("sync.flows." + flow + ".schedule", "0/1 * * * * ?");
        Path outbox = dataDir.resolve("outbox").resolve(flow);
        Path inbox = dataDir.resolve("inbox").resolve(flow);
        Files.createDirectories(inbox);
        Path staged = dataDir.resolve("risk-100k.csv");
        Files.write(staged, RiskFiles.csv(prefix, rows, Set.of()));

        PackagedApp first = PackagedApp.start(dataDir, settings, WORK.resolve("file-before.log"));
        try {
            Files.move(staged, inbox.resolve("risk-100k.csv"));
            // a long file reports its progress in the flow catalog while it runs
            JsonNode progress = await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                    .until(() -> JSON.readTree(first.get("/api/flows/" + flow).body()).path("progress"),
                            p -> p.path("rowsDone").asLong() > 0);
            assertEquals("risk-100k.csv", progress.path("source").asText());
            assertTrue(progress.path("rowsSeen").asLong() >= progress.path("rowsDone").asLong());
            assertTrue(progress.path("rowsPerSecond").asDouble() > 0);
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Outbox.lines(outbox) >= rows / 5);
        } finally {
            first.kill();
        }
        long beforeRestart = Outbox.lines(outbox);
        assertTrue(beforeRestart < rows, "the kill came in the middle of the file");
        assertTrue(Files.exists(inbox.resolve("risk-100k.csv")), "an unfinished file stays in the inbox");

        try (PackagedApp second = PackagedApp.start(dataDir, settings, WORK.resolve("file-after.log"))) {
            await().atMost(Duration.ofMinutes(5)).until(() -> report(dataDir, flow) != null);
        }
        JsonNode report = report(dataDir, flow);
        assertEquals("completed", report.path("status").asText());
        assertTrue(report.path("resumedAfterLine").asLong() > 1, "the second run resumed where the first stopped");
        Map<String, Integer> counts = Outbox.keyCounts(outbox);
        assertEquals(rows, counts.size(), "every valid row is at the target");
        assertTrue(counts.keySet().stream().allMatch(k -> k.startsWith(prefix)));
        long repeats = counts.values().stream().mapToInt(c -> c - 1).sum();
        System.out.printf("file: %d rows, %d at the target before kill -9, resumed after line %d, %d distinct keys after restart, %d repeats%n",
                rows, beforeRestart, report.path("resumedAfterLine").asLong(), counts.size(), repeats);
        // sync.batch.chunks-in-flight (2) chunks of sync.batch.chunk-size (200) rows
        assertTrue(repeats <= 2L * 200, "at most the chunks in flight at the kill are repeated, was " + repeats);
        assertTrue(Files.list(dataDir.resolve("archive").resolve(flow)).findAny().isPresent());
    }

    private static JsonNode report(Path dataDir, String flow) throws IOException {
        Path dir = dataDir.resolve("reports").resolve(flow);
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (Stream<Path> files = Files.list(dir)) {
            Path report = files.filter(p -> p.toString().endsWith("risk-100k.csv.report.json")).findFirst().orElse(null);
            return report == null ? null : JSON.readTree(report.toFile());
        }
    }

}
