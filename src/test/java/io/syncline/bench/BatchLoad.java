package io.syncline.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.awaitility.Awaitility;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.syncline.packaged.PackagedApp;
import io.syncline.support.RiskFiles;

/**
 * One actuarial CSV through a fresh Syncline process to the sink, or to the outbox (the default target, JSON Lines
 * forced to disk once per chunk): rows per second (the file report's own duration, from taking the file to archiving
 * it) and the process's peak RSS over the whole run.
 */
final class BatchLoad {

    static final String FLOW = "insurance-actuarial-risk";

    private BatchLoad() {
    }

    /** A CSV of {@code rows} valid rows with distinct keys, written once and reused by the baseline. */
    static Path csv(Path dir, int rows) throws IOException {
        Path file = dir.resolve("risk-" + rows + ".csv");
        if (Files.exists(file)) {
            return file;
        }
        Files.createDirectories(dir);
        Path tmp = dir.resolve("risk-" + rows + ".csv.tmp");
        try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            out.write(RiskFiles.HEADER);
            out.write('\n');
            for (int i = 1; i <= rows; i++) {
                out.write(RiskFiles.validRow(String.format("RSK-BENCH-%08d", i), i));
                out.write('\n');
            }
        }
        return Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The flow's target: the sink, or with {@code sink} null the outbox, as the flow ships. */
    static Map<String, String> settings(Sink sink) {
        String schedule = "sync.flows." + FLOW + ".schedule";
        if (sink == null) {
            return Map.of(schedule, "0/1 * * * * ?");
        }
        return Map.of("sync.flows." + FLOW + ".target.kind", "http",
                "sync.flows." + FLOW + ".target.url", sink.url(),
                schedule, "0/1 * * * * ?");
    }

    /** The file to {@code sink}, or with {@code sink} null to the outbox. */
    static Map<String, Object> run(Path workDir, Path csv, int rows, Sink sink, List<String> jvmOptions) throws Exception {
        String name = "batch-" + rows + (sink == null ? "-outbox" : "");
        Path dataDir = workDir.resolve(name);
        Benchmark.deleteTree(dataDir);
        Path log = workDir.resolve(name + ".log");
        Files.deleteIfExists(log);
        if (sink != null) {
            sink.reset((key, at) -> {
            });
        }
        try (PackagedApp app = PackagedApp.start(dataDir, settings(sink), jvmOptions, log)) {
            double idleRss = ProcessMemory.rssMiB(app.pid());
            Path inbox = Files.createDirectories(dataDir.resolve("inbox").resolve(FLOW));
            Path reports = dataDir.resolve("reports").resolve(FLOW);
            double cpuBefore = ProcessMemory.cpuSeconds(app.pid());
            long dropped = System.nanoTime();
            // a hard link appears whole at once, as a finished upload would
            Files.createLink(inbox.resolve(csv.getFileName()), csv);
            Path report = Awaitility.await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> reportIn(reports), p -> p != null);
            double cpuSeconds = ProcessMemory.cpuSeconds(app.pid()) - cpuBefore;
            JsonNode r = new ObjectMapper().readTree(report.toFile());
            long durationMs = r.path("durationMs").asLong();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rows", rows);
            m.put("target", sink == null ? "outbox" : "http");
            m.put("status", r.path("status").asText());
            m.put("published", r.path("published").asLong());
            if (sink != null) {
                m.put("receivedBySink", sink.distinct());
            } else {
                m.put("linesInOutbox", linesIn(dataDir.resolve("outbox").resolve(FLOW)));
            }
            m.put("durationMs", durationMs);
            m.put("rowsPerSecond", Math.round(r.path("published").asLong() * 1000.0 / Math.max(1, durationMs)));
            if (sink != null) {
                m.put("dropToLastArrivalSeconds", RealtimeLoad.round((sink.lastArrivalNanos() - dropped) / 1e9));
            }
            m.put("cpuSeconds", RealtimeLoad.round(cpuSeconds));
            m.put("rowsPerCpuSecond", Math.round(rows / Math.max(0.01, cpuSeconds)));
            m.put("idleRssMiB", RealtimeLoad.round(idleRss));
            m.put("peakRssMiB", RealtimeLoad.round(ProcessMemory.peakRssMiB(app.pid())));
            return m;
        }
    }

    /** Lines in the outbox's files: one envelope each. */
    private static long linesIn(Path outbox) throws IOException {
        long lines = 0;
        if (!Files.isDirectory(outbox)) {
            return lines;
        }
        try (Stream<Path> files = Files.list(outbox)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                try (Stream<String> fileLines = Files.lines(file, StandardCharsets.UTF_8)) {
                    lines += fileLines.count();
                }
            }
        }
        return lines;
    }

    private static Path reportIn(Path reports) throws IOException {
        if (!Files.isDirectory(reports)) {
            return null;
        }
        try (Stream<Path> files = Files.list(reports)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".report.json")).findFirst().orElse(null);
        }
    }
}
