package io.syncline.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * The benchmark harness against the packaged application. Under {@code ./mvnw -B verify} it runs with tiny sizes so
 * the harness keeps working; {@code ./mvnw -B verify -Pbench} ({@code -Dsyncline.bench.mode=full}) is the real run; {@code -Dsyncline.bench.mode=quick} is a two-minute version of it.
 * Both write {@code target/benchmarks/results.json} and {@code results.md}.
 */
class BenchmarkIT {

    @Test
    @SuppressWarnings("unchecked")
    void measuresSynclineAndItsBaselines() throws Exception {
        Path out = Path.of(System.getProperty("syncline.bench.out", "target/benchmarks"));
        Set<String> phases = Set.of(System.getProperty("syncline.bench.phases", String.join(",", Benchmark.PHASES)).split(","));
        Map<String, Object> results = new Benchmark(Benchmark.named(System.getProperty("syncline.bench.mode", "smoke")), phases,
                out, Boolean.getBoolean("syncline.bench.jfr")).run();
        if (!phases.containsAll(Benchmark.PHASES)) {
            return; // a partial run, for working on one phase: results.json only
        }

        assertTrue(Files.readString(out.resolve("results.md")).contains("| webhook to target, highest sustained rate"));
        Map<String, Object> batch = (Map<String, Object>) results.get("batch");
        Map<String, Object> capped = (Map<String, Object>) results.get("batchCappedHeap");
        for (Object size : List.of(batch.get("small"), batch.get("large"), capped.get("small"), capped.get("large"))) {
            Map<String, Object> run = (Map<String, Object>) size;
            assertEquals("completed", run.get("status"), "a benchmark file did not complete: " + run);
            assertEquals(((Number) run.get("rows")).longValue(), ((Number) run.get("receivedBySink")).longValue(),
                    "every row of the benchmark file reached the sink");
        }
        Map<String, Object> outbox = (Map<String, Object>) results.get("batchOutbox");
        assertEquals("completed", outbox.get("status"), "the outbox file did not complete: " + outbox);
        assertEquals(((Number) outbox.get("rows")).longValue(), ((Number) outbox.get("linesInOutbox")).longValue(),
                "every row of the benchmark file reached the outbox");
        // the second file into the same process: all of it published, and to the sink all of it received
        Map<String, Object> largeAgain = (Map<String, Object>) ((Map<String, Object>) batch.get("large")).get("second");
        Map<String, Object> outboxAgain = (Map<String, Object>) outbox.get("second");
        for (Map<String, Object> again : List.of(largeAgain, outboxAgain)) {
            assertEquals("completed", again.get("status"), "a second file did not complete: " + again);
            assertEquals(((Number) outbox.get("rows")).longValue(), ((Number) again.get("published")).longValue());
        }
        assertEquals(((Number) outbox.get("rows")).longValue(), ((Number) largeAgain.get("receivedBySink")).longValue(),
                "every row of the second file reached the sink");
        if (!"full".equals(results.get("mode"))) {
            // at tiny rates every accepted event arrives; at the full run's rates that is what is being measured
            Map<String, Object> fixedRate = (Map<String, Object>) ((Map<String, Object>) results.get("realtime")).get("atFixedRate");
            assertEquals(Boolean.TRUE, fixedRate.get("drained"), "every accepted webhook reached the sink");
        }
        // the door baseline (c) answered every request it was sent, at every latency rate
        Map<String, Object> door = (Map<String, Object>) results.get("baselineDoor");
        for (double rate : Benchmark.LATENCY_RATES) {
            Map<String, Object> run = (Map<String, Object>) door.get(String.valueOf(Math.round(rate)));
            assertEquals(run.get("sent"), run.get("accepted"), "the door baseline accepted every request: " + run);
        }
        assertTrue(((List<?>) results.get("summary")).size() > 10);
    }
}
