package io.syncline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.awaitility.Awaitility;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.syncline.packaged.PackagedApp;
import io.syncline.packaged.StartCache;

/**
 * Syncline's throughput, latency, memory and start-up next to two baselines measured in the same run on the same
 * machine; writes {@code results.json} and {@code results.md}. {@link Sizes#SMOKE} keeps the harness working under
 * the test command, {@link Sizes#FULL} is the real run ({@code ./mvnw -B verify -Pbench}).
 */
final class Benchmark {

    /** How much of each measurement. */
    record Sizes(String name, double latencyRate, Duration warmUp, Duration latencyRun, List<Double> stepRates,
            Duration stepRun, int smallFile, int largeFile, int startups, int brokerMessages, int brokerProducers) {

        static final Sizes SMOKE = new Sizes("smoke", 50, Duration.ofMillis(500), Duration.ofSeconds(1), List.of(100.0),
                Duration.ofSeconds(1), 200, 2_000, 1, 500, 4);
        /** For working on performance: every phase, in about two minutes. */
        static final Sizes QUICK = new Sizes("quick", 500, Duration.ofSeconds(2), Duration.ofSeconds(10),
                List.of(250.0, 500.0, 1000.0, 2000.0), Duration.ofSeconds(5), 20_000, 100_000, 1, 5_000, 8);
        static final Sizes FULL = new Sizes("full", 500, Duration.ofSeconds(10), Duration.ofSeconds(60),
                List.of(100.0, 200.0, 300.0, 400.0, 500.0, 750.0, 1000.0, 1500.0, 2000.0, 3000.0, 4000.0, 5000.0, 6000.0), Duration.ofSeconds(10),
                100_000, 1_000_000, 3, 20_000, 8);
    }

    static Sizes named(String name) {
        return switch (name) {
            case "full" -> Sizes.FULL;
            case "quick" -> Sizes.QUICK;
            default -> Sizes.SMOKE;
        };
    }

    static final int TUNED_CONSUMERS = 8;
    /** sync.flows.<id>.batch.max-records, default. */
    static final int CHUNK = 200;
    /** End-to-end latency targets at a light and a heavier fixed rate (docs/benchmarks.md). */
    static final List<Double> LATENCY_RATES = List.of(50.0, 1000.0);
    static final String CAPPED_HEAP = "-Xmx256m";

    /** Every phase; {@code -Dsyncline.bench.phases=batch,startup} runs some (results.json only, no summary table). */
    static final Set<String> PHASES = Set.of("startup", "broker", "batch", "realtime");

    private final Sizes sizes;
    private final Set<String> phases;
    private final Path out;
    private final boolean flightRecording;
    private final Map<String, Object> results = new LinkedHashMap<>();

    Benchmark(Sizes sizes, Set<String> phases, Path out, boolean flightRecording) {
        this.sizes = sizes;
        this.phases = phases;
        this.out = out;
        this.flightRecording = flightRecording;
    }

    Map<String, Object> run() throws Exception {
        Files.createDirectories(out);
        results.put("mode", sizes.name());
        results.put("startedAt", Instant.now().toString());
        results.put("machine", machine());
        if (runs("startup")) {
            results.put("startup", startup());
        }
        if (runs("broker")) {
            results.put("baselineArtemis", Baselines.artemis(out.resolve("baseline-broker"), sizes.brokerMessages(),
                    sizes.brokerProducers(), 1, 1));
            results.put("baselineArtemisTuned", Baselines.artemis(out.resolve("baseline-broker"), sizes.brokerMessages(),
                    sizes.brokerProducers(), TUNED_CONSUMERS, 1));
            // what Syncline's chunked worker does with its defaults: one consumer, a commit per up to 200 messages
            results.put("baselineArtemisChunked", Baselines.artemis(out.resolve("baseline-broker"), sizes.brokerMessages(),
                    sizes.brokerProducers(), 1, CHUNK));
            results.put("journals", Baselines.journals(out.resolve("baseline-broker"), sizes.brokerMessages(), sizes.brokerProducers()));
        }
        Path largeCsv = BatchLoad.csv(out.resolve("files"), sizes.largeFile());
        Path smallCsv = BatchLoad.csv(out.resolve("files"), sizes.smallFile());
        // the large file's rows under other keys: a second file into the same process, warm
        Path secondCsv = runs("batch") ? BatchLoad.csv(out.resolve("files"), sizes.largeFile(), "RSK-AGAIN-") : null;
        if (runs("batch")) {
            results.put("baselineCsvLoop", Baselines.csvLoop(largeCsv));
        }
        try (Sink sink = new Sink()) {
            if (runs("realtime")) {
                results.put("realtime", realtime(sink, 1, true));
                // sync.flows.<id>.consumers, documented for targets slow to answer: what eight consumers do with a fast one
                results.put("realtimeTuned", realtime(sink, TUNED_CONSUMERS, true));
                results.put("baselineDoor", Baselines.door(out.resolve("baseline-door"), sizes.stepRates().get(0), LATENCY_RATES,
                        sizes.warmUp(), otherRateRun()));
            }
            if (runs("batch")) {
                Map<String, Object> batch = new LinkedHashMap<>();
                batch.put("small", BatchLoad.run(out, smallCsv, sizes.smallFile(), sink, jvmOptions("batch-small")));
                batch.put("large", BatchLoad.run(out, largeCsv, secondCsv, sizes.largeFile(), sink, jvmOptions("batch-large")));
                results.put("batch", batch);
                // The JVM sizes its heap from the machine's memory (a quarter of it) and G1 grows it under allocation
                // pressure: the same files with the heap capped show what the process itself needs.
                Map<String, Object> capped = new LinkedHashMap<>();
                capped.put("jvmOptions", CAPPED_HEAP);
                capped.put("small", BatchLoad.run(out, smallCsv, sizes.smallFile(), sink, with(CAPPED_HEAP, "batch-small-capped")));
                capped.put("large", BatchLoad.run(out, largeCsv, sizes.largeFile(), sink, with(CAPPED_HEAP, "batch-large-capped")));
                results.put("batchCappedHeap", capped);
                // the flow's own target: JSON Lines under outbox/, one forced write per chunk; the README's command
                results.put("batchOutbox", BatchLoad.run(out, largeCsv, secondCsv, sizes.largeFile(), null,
                        with(CAPPED_HEAP, "batch-large-outbox")));
            }
        }
        results.put("finishedAt", Instant.now().toString());
        results.put("loadAverageAtEnd", Files.readString(Path.of("/proc/loadavg")).trim());
        if (phases.containsAll(PHASES)) {
            results.put("summary", BenchmarkTable.summary(results));
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("results.json").toFile(), results);
        if (phases.containsAll(PHASES)) {
            Files.writeString(out.resolve("results.md"), BenchmarkTable.markdown(results));
        }
        return results;
    }

    private boolean runs(String phase) {
        return phases.contains(phase);
    }

    /**
     * The README's jar started {@code startups} times, each followed by a start of the class-path jar with the start-up
     * cache bin/start-cache.sh trained (the README's faster start), interleaved so both meet the same machine.
     */
    private Map<String, Object> startup() throws Exception {
        // the smoke run (./mvnw -B verify) leaves the cache's build and training to StartCacheIT
        StartCache cache = Sizes.SMOKE.equals(sizes) ? null : StartCache.trained(out.resolve("start-cache"));
        Starts plain = new Starts();
        Starts cached = new Starts();
        for (int i = 0; i < sizes.startups(); i++) {
            plain.start(PackagedApp.javaOfTests(), PackagedApp.runner(), jvmOptions("startup-" + i), "startup-" + i);
            if (cache != null) {
                List<String> options = new ArrayList<>(cache.jvmOptions(true));
                options.addAll(jvmOptions("startup-cached-" + i));
                cached.start(cache.java(), StartCache.JAR, options, "startup-cached-" + i);
            }
        }
        Map<String, Object> m = plain.results();
        if (cache == null) {
            return m;
        }
        Map<String, Object> withCache = cached.results();
        withCache.put("java", cache.javaVersion());
        withCache.put("cache", cache.cache().getFileName().toString());
        withCache.put("cacheMiB", RealtimeLoad.round(Files.size(cache.cache()) / 1048576.0));
        m.put("withStartCache", withCache);
        return m;
    }

    /** Starts, each to ready, its idle RSS, then SIGTERM to exit. */
    private final class Starts {
        private final List<Double> readySeconds = new ArrayList<>();
        private final List<Double> idleRss = new ArrayList<>();
        private final List<Double> stopSeconds = new ArrayList<>();

        void start(Path java, String runner, List<String> jvmOptions, String name) throws Exception {
            Path dataDir = out.resolve(name);
            deleteTree(dataDir);
            Path log = out.resolve(name + ".log");
            Files.deleteIfExists(log);
            try (PackagedApp app = PackagedApp.start(java, runner, dataDir, Map.of(), jvmOptions, log)) {
                readySeconds.add(RealtimeLoad.round(app.readyAfter().toMillis() / 1000.0));
                idleRss.add(RealtimeLoad.round(settledRss(app.pid())));
                // a restart is a stop and a start: SIGTERM, as an orchestrator sends it, to the process's exit
                long stopping = System.nanoTime();
                app.terminate();
                stopSeconds.add(RealtimeLoad.round((System.nanoTime() - stopping) / 1e9));
            }
        }

        Map<String, Object> results() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("readySeconds", readySeconds);
            m.put("readySecondsMedian", median(readySeconds));
            m.put("idleRssMiB", idleRss);
            m.put("idleRssMiBMedian", median(idleRss));
            m.put("stopSeconds", stopSeconds);
            m.put("stopSecondsMedian", median(stopSeconds));
            return m;
        }
    }

    /** RSS once it stops moving: two readings a second apart within 2 MiB. */
    private static double settledRss(long pid) {
        double[] last = {ProcessMemory.rssMiB(pid)};
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            double now = ProcessMemory.rssMiB(pid);
            boolean settled = Math.abs(now - last[0]) < 2;
            last[0] = now;
            return settled;
        });
        return last[0];
    }

    /** The insurance-claims webhook with {@code consumers} workers: the latency at a fixed rate, then rising rates. */
    private Map<String, Object> realtime(Sink sink, int consumers, boolean fixedRate) throws Exception {
        String phase = "realtime-" + consumers + "-consumers";
        Path dataDir = out.resolve(phase);
        deleteTree(dataDir);
        Path log = out.resolve(phase + ".log");
        Files.deleteIfExists(log);
        Map<String, String> settings = Map.of("sync.flows.insurance-claims.target.kind", "http",
                "sync.flows.insurance-claims.webhook.open", "true",
                "sync.flows.insurance-claims.target.url", sink.url(),
                "sync.flows.insurance-claims.consumers", String.valueOf(consumers));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("consumers", consumers);
        try (PackagedApp app = PackagedApp.start(dataDir, settings, jvmOptions(phase), log);
                RealtimeLoad load = new RealtimeLoad(app, sink)) {
            // a fresh JVM: JIT, connection pools and the broker's journal files warm up at the lowest rate first, unmeasured
            load.run(sizes.stepRates().get(0), Duration.ZERO, sizes.warmUp());
            List<Map<String, Object>> steps = new ArrayList<>();
            double highest = 0;
            int missed = 0;
            for (double rate : sizes.stepRates()) {
                RealtimeLoad.Step step = load.run(rate, Duration.ofSeconds(2).compareTo(sizes.warmUp()) < 0
                        ? Duration.ofSeconds(2) : sizes.warmUp(), sizes.stepRun());
                steps.add(step.toMap());
                // one miss may be a neighbour's burst on a shared machine; two in a row is the limit
                if (step.sustained()) {
                    highest = rate;
                    missed = 0;
                } else if (++missed == 2) {
                    break;
                }
            }
            m.put("steps", steps);
            m.put("highestSustainedRate", highest);
            if (fixedRate) {
                // its CPU per event counts the warm-up's events too: every event sent in the run
                m.put("atFixedRate", load.run(sizes.latencyRate(), sizes.warmUp(), sizes.latencyRun()).toMap());
                Map<String, Object> others = new LinkedHashMap<>();
                for (double other : consumers == 1 ? LATENCY_RATES : List.<Double>of()) {
                    others.put(String.valueOf(Math.round(other)), load.run(other, sizes.warmUp(), otherRateRun()).toMap());
                }
                if (!others.isEmpty()) {
                    m.put("atOtherRates", others);
                }
            }
            m.put("peakRssMiB", RealtimeLoad.round(ProcessMemory.peakRssMiB(app.pid())));
        }
        return m;
    }

    /** How long each of {@link #LATENCY_RATES} is measured: the fixed-rate run, at most 20 s. */
    private Duration otherRateRun() {
        return sizes.latencyRun().compareTo(Duration.ofSeconds(20)) > 0 ? Duration.ofSeconds(20) : sizes.latencyRun();
    }

    private List<String> jvmOptions(String phase) {
        if (!flightRecording) {
            return List.of();
        }
        return List.of("-XX:StartFlightRecording=filename=" + out.resolve(phase + ".jfr").toAbsolutePath() + ",settings=profile");
    }

    private List<String> with(String option, String phase) {
        List<String> options = new ArrayList<>(List.of(option));
        options.addAll(jvmOptions(phase));
        return options;
    }

    private static Map<String, Object> machine() throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("memory", Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " "));
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            m.put("cpu", lines.filter(l -> l.startsWith("model name")).findFirst().map(l -> l.split(":", 2)[1].trim()).orElse("?"));
        }
        m.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("loadAverageAtStart", Files.readString(Path.of("/proc/loadavg")).trim());
        return m;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
