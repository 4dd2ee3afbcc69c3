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
        return csv(dir, rows, "RSK-BENCH-");
    }

    /** The same rows under other keys ({@code keyPrefix}): a second file whose rows are all new to the version store. */
    static Path csv(Path dir, int rows, String keyPrefix) throws IOException {
        String name = "risk-" + (keyPrefix.equals("RSK-BENCH-") ? "" : "second-") + rows + ".csv";
        Path file = dir.resolve(name);
        if (Files.exists(file)) {
            return file;
        }
        Files.createDirectories(dir);
        Path tmp = dir.resolve(name + ".tmp");
        try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            out.write(RiskFiles.HEADER);
            out.write('\n');
            for (int i = 1; i <= rows; i++) {
                out.write(RiskFiles.validRow(String.format(keyPrefix + "%08d", i), i));
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
        return run(workDir, csv, null, rows, sink, jvmOptions);
    }

    /**
     * The file to {@code sink}, or with {@code sink} null to the outbox; then, with {@code second} not null, that file
     * (as many rows, other keys) into the same process once the first one's report is written: under {@code second}
     * in the result, what a process that has run a while does, the JIT compiler's first pass and the class loading
     * behind it. The first file's numbers are a fresh process's, as a restart meets its first file.
     */
    static Map<String, Object> run(Path workDir, Path csv, Path second, int rows, Sink sink, List<String> jvmOptions)
            throws Exception {
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
            long dropped = System.nanoTime();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rows", rows);
            m.put("target", sink == null ? "outbox" : "http");
            m.putAll(dropAndWait(app, inbox, reports, csv, sink));
            if (sink == null) {
                m.put("linesInOutbox", linesIn(dataDir.resolve("outbox").resolve(FLOW)));
            } else {
                m.put("dropToLastArrivalSeconds", RealtimeLoad.round((sink.lastArrivalNanos() - dropped) / 1e9));
            }
            m.put("idleRssMiB", RealtimeLoad.round(idleRss));
            m.put("peakRssMiB", RealtimeLoad.round(ProcessMemory.peakRssMiB(app.pid())));
            if (second != null) {
                Map<String, Object> again = dropAndWait(app, inbox, reports, second, sink);
                again.put("peakRssMiB", RealtimeLoad.round(ProcessMemory.peakRssMiB(app.pid())));
                m.put("second", again);
            }
            return m;
        }
    }

    /**
     * Drops {@code csv} into the inbox and waits for its report: its status, rows published, the report's duration,
     * rows per second, the process's CPU seconds meanwhile and, to the sink, how many new keys it received.
     */
    private static Map<String, Object> dropAndWait(PackagedApp app, Path inbox, Path reports, Path csv, Sink sink)
            throws Exception {
        long distinctBefore = sink == null ? 0 : sink.distinct();
        double cpuBefore = ProcessMemory.cpuSeconds(app.pid());
        // a hard link appears whole at once, as a finished upload would
        Files.createLink(inbox.resolve(csv.getFileName()), csv);
        Path report = Awaitility.await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> reportIn(reports, csv), p -> p != null);
        double cpuSeconds = ProcessMemory.cpuSeconds(app.pid()) - cpuBefore;
        JsonNode r = new ObjectMapper().readTree(report.toFile());
        long published = r.path("published").asLong();
        long durationMs = r.path("durationMs").asLong();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", r.path("status").asText());
        m.put("published", published);
        if (sink != null) {
            // each file's keys are new to the sink: what it holds beyond what it held before
            m.put("receivedBySink", sink.distinct() - distinctBefore);
        }
        m.put("durationMs", durationMs);
        m.put("rowsPerSecond", Math.round(published * 1000.0 / Math.max(1, durationMs)));
        m.put("cpuSeconds", RealtimeLoad.round(cpuSeconds));
        m.put("rowsPerCpuSecond", Math.round(published / Math.max(0.01, cpuSeconds)));
        return m;
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

    /** The report of {@code csv}, once written. */
    private static Path reportIn(Path reports, Path csv) throws IOException {
        if (!Files.isDirectory(reports)) {
            return null;
        }
        String name = "-" + csv.getFileName() + ".report.json";
        try (Stream<Path> files = Files.list(reports)) {
            return files.filter(p -> p.getFileName().toString().endsWith(name)).findFirst().orElse(null);
        }
    }
}
