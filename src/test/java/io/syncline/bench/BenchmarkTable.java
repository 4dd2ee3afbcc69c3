package io.syncline.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The figures that answer the targets, each with its baseline and ratio where one applies, as JSON and markdown. */
final class BenchmarkTable {

    private BenchmarkTable() {
    }

    /** One line of the table. {@code baseline} and {@code target} may be null. */
    record Row(String measure, double syncline, String unit, Double baseline, String target, Boolean met) {

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("measure", measure);
            m.put("syncline", syncline);
            m.put("unit", unit);
            m.put("baseline", baseline);
            m.put("ratioToBaseline", ratio());
            m.put("target", target);
            m.put("met", met);
            return m;
        }

        Double ratio() {
            return baseline == null || baseline == 0 ? null : RealtimeLoad.round(syncline / baseline);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Row> rows(Map<String, Object> results) {
        Map<String, Object> realtime = (Map<String, Object>) results.get("realtime");
        Map<String, Object> fixed = (Map<String, Object>) realtime.get("atFixedRate");
        Map<String, Object> acceptance = (Map<String, Object>) fixed.get("acceptanceMs");
        Map<String, Object> endToEnd = (Map<String, Object>) fixed.get("endToEndMs");
        Map<String, Object> batch = (Map<String, Object>) results.get("batch");
        Map<String, Object> small = (Map<String, Object>) batch.get("small");
        Map<String, Object> large = (Map<String, Object>) batch.get("large");
        Map<String, Object> startup = (Map<String, Object>) results.get("startup");
        double broker = number(((Map<String, Object>) results.get("baselineArtemis")).get("messagesPerSecond"));
        double loop = number(((Map<String, Object>) results.get("baselineCsvLoop")).get("rowsPerSecond"));
        String rate = String.valueOf(Math.round(number(fixed.get("rate"))));

        List<Row> rows = new ArrayList<>();
        double sustained = number(realtime.get("highestSustainedRate"));
        rows.add(new Row("webhook to target, highest sustained rate (1 consumer, the default)", sustained, "events/s", broker,
                ">= 4000", sustained >= 4000));
        Map<String, Object> chunked = (Map<String, Object>) results.get("baselineArtemisChunked");
        if (chunked != null) {
            double brokerChunked = number(chunked.get("messagesPerSecond"));
            rows.add(new Row("the same, against raw Artemis committing every " + chunked.get("commitEvery") + " messages",
                    sustained, "events/s", brokerChunked, "ratio >= 0.5", brokerChunked > 0 && sustained / brokerChunked >= 0.5));
        }
        Map<String, Object> tuned = (Map<String, Object>) results.get("realtimeTuned");
        double tunedRate = number(tuned.get("highestSustainedRate"));
        double brokerTuned = number(((Map<String, Object>) results.get("baselineArtemisTuned")).get("messagesPerSecond"));
        rows.add(new Row("webhook to target, highest sustained rate (" + tuned.get("consumers") + " consumers)", tunedRate,
                "events/s", brokerTuned, ">= 4000", tunedRate >= 4000));
        latencyRows(rows, rate, "", acceptance, endToEnd);
        Map<String, Object> others = (Map<String, Object>) realtime.get("atOtherRates");
        Map<String, Object> door = (Map<String, Object>) results.getOrDefault("baselineDoor", Map.of());
        if (others != null) {
            others.forEach((otherRate, step) -> {
                Map<String, Object> doorRate = (Map<String, Object>) door.get(otherRate);
                rows.add(new Row("acceptance latency p99 at " + otherRate + "/s, against the door alone (baseline c)",
                        number(((Map<String, Object>) ((Map<String, Object>) step).get("acceptanceMs")).get("p99")), "ms",
                        doorRate == null ? null : number(((Map<String, Object>) doorRate.get("acceptanceMs")).get("p99")), null, null));
                double p99 = number(((Map<String, Object>) ((Map<String, Object>) step).get("endToEndMs")).get("p99"));
                double limit = Double.parseDouble(otherRate) <= 50 ? 20 : 100;
                rows.add(new Row("end-to-end latency p99 at " + otherRate + "/s", p99, "ms", null,
                        "<= " + Math.round(limit), p99 <= limit));
            });
        }
        Map<String, Object> tunedFixed = (Map<String, Object>) tuned.get("atFixedRate");
        latencyRows(rows, rate, ", " + tuned.get("consumers") + " consumers", (Map<String, Object>) tunedFixed.get("acceptanceMs"),
                (Map<String, Object>) tunedFixed.get("endToEndMs"));
        rows.add(new Row("CPU per webhook event at " + rate + "/s (process, all threads)", number(fixed.get("cpuMsPerEvent")),
                "ms", null, null, null));
        rows.add(new Row("CPU per webhook event at " + rate + "/s, " + tuned.get("consumers") + " consumers",
                number(tunedFixed.get("cpuMsPerEvent")), "ms", null, null, null));
        // the other side of the same 2 cores: what the benchmark's own JVM spent sending and receiving each event
        rows.add(new Row("CPU per webhook event at " + rate + "/s, load generator and sink", number(fixed.get("loadCpuMsPerEvent")),
                "ms", null, null, null));
        double largeRate = number(large.get("rowsPerSecond"));
        // issue 12's targets: 150,000 rows/s to the http sink, 100,000 to the outbox
        rows.add(new Row("batch " + large.get("rows") + " rows", largeRate, "rows/s", loop, ">= 150000", largeRate >= 150_000));
        secondFileRow(rows, large, loop);
        rows.add(new Row("batch " + small.get("rows") + " rows", number(small.get("rowsPerSecond")), "rows/s", loop, null, null));
        // the same per CPU second of the process (all its threads, GC included) against the loop's one thread
        double loopCpu = number(((Map<String, Object>) results.get("baselineCsvLoop")).get("rowsPerCpuSecond"));
        rows.add(new Row("batch " + large.get("rows") + " rows per CPU second", number(large.get("rowsPerCpuSecond")),
                "rows/CPU-s", loopCpu, null, null));
        memoryRows(rows, "", small, large);
        Map<String, Object> capped = (Map<String, Object>) results.get("batchCappedHeap");
        memoryRows(rows, ", " + capped.get("jvmOptions"), (Map<String, Object>) capped.get("small"),
                (Map<String, Object>) capped.get("large"));
        rows.add(new Row("batch " + large.get("rows") + " rows" + ", " + capped.get("jvmOptions"),
                number(((Map<String, Object>) capped.get("large")).get("rowsPerSecond")), "rows/s", loop, null, null));
        Map<String, Object> outbox = (Map<String, Object>) results.get("batchOutbox");
        double outboxRate = number(outbox.get("rowsPerSecond"));
        rows.add(new Row("batch " + outbox.get("rows") + " rows to the outbox (the default target), " + capped.get("jvmOptions"),
                outboxRate, "rows/s", loop, ">= 100000", outboxRate >= 100_000));
        secondFileRow(rows, outbox, loop);
        double outboxPeak = number(outbox.get("peakRssMiB"));
        rows.add(new Row("peak RSS, " + outbox.get("rows") + " rows to the outbox, " + capped.get("jvmOptions")
                + " (the README's command)", outboxPeak, "MiB", null, "<= 512", outboxPeak <= 512));
        double ready = number(startup.get("readySecondsMedian"));
        rows.add(new Row("start-up, launch to ready (median)", ready, "s", null, "<= 2", ready <= 2));
        Map<String, Object> cached = (Map<String, Object>) startup.get("withStartCache");
        if (cached != null) {
            double cachedReady = number(cached.get("readySecondsMedian"));
            // the README's faster start against the README's jar started in turn with it: the ratio is cached / plain
            rows.add(new Row("start-up with the start cache (Java " + cached.get("java") + ", bin/start-cache.sh), median",
                    cachedReady, "s", ready, "<= 2", cachedReady <= 2));
        }
        rows.add(new Row("RSS when idle (median)", number(startup.get("idleRssMiBMedian")), "MiB", null, null, null));
        return rows;
    }

    private static void latencyRows(List<Row> rows, String rate, String consumers, Map<String, Object> acceptance,
            Map<String, Object> endToEnd) {
        for (String p : List.of("p50", "p99", "p99.9")) {
            rows.add(new Row("acceptance latency " + p + " at " + rate + "/s" + consumers, number(acceptance.get(p)), "ms",
                    null, null, null));
        }
        for (String p : List.of("p50", "p99", "p99.9")) {
            double v = number(endToEnd.get(p));
            boolean targeted = p.equals("p99");
            rows.add(new Row("end-to-end latency " + p + " at " + rate + "/s" + consumers, v, "ms", null,
                    targeted ? "<= 50" : null, targeted ? v <= 50 : null));
        }
    }

    private static void memoryRows(List<Row> rows, String jvm, Map<String, Object> small, Map<String, Object> large) {
        double largePeak = number(large.get("peakRssMiB"));
        double smallPeak = number(small.get("peakRssMiB"));
        rows.add(new Row("peak RSS, " + large.get("rows") + " rows" + jvm, largePeak, "MiB", null, "<= 512", largePeak <= 512));
        rows.add(new Row("peak RSS, " + small.get("rows") + " rows" + jvm, smallPeak, "MiB", null, null, null));
        double growth = RealtimeLoad.round(largePeak - smallPeak);
        rows.add(new Row("peak RSS growth, " + small.get("rows") + " to " + large.get("rows") + " rows" + jvm, growth, "MiB",
                null, "<= 64", growth <= 64));
    }

    static List<Map<String, Object>> summary(Map<String, Object> results) {
        return rows(results).stream().map(Row::toMap).toList();
    }

    @SuppressWarnings("unchecked")
    static String markdown(Map<String, Object> results) {
        Map<String, Object> machine = (Map<String, Object>) results.get("machine");
        Map<String, Object> broker = (Map<String, Object>) results.get("baselineArtemis");
        StringBuilder md = new StringBuilder();
        md.append("Run ").append(results.get("startedAt")).append(" (").append(results.get("mode")).append("); ")
                .append(machine.get("cores")).append(" cores, ").append(machine.get("memory")).append(", ")
                .append(machine.get("cpu")).append(", ").append(machine.get("jdk")).append("; load average at start ")
                .append(machine.get("loadAverageAtStart")).append(", at end ").append(results.get("loadAverageAtEnd"))
                .append(".\n\n");
        Map<String, Object> brokerTuned = (Map<String, Object>) results.get("baselineArtemisTuned");
        md.append("Baselines: (a) raw Artemis, Syncline's broker configuration, ").append(broker.get("producers"))
                .append(" producers with durable sends and transacted consumers committing each message: ")
                .append(broker.get("messagesPerSecond")).append(" messages/s with 1 consumer, ")
                .append(brokerTuned.get("messagesPerSecond")).append(" with ").append(brokerTuned.get("consumers"))
                .append("; (b) the CSV parsed, validated and serialised in a plain loop: ")
                .append(((Map<String, Object>) results.get("baselineCsvLoop")).get("rowsPerSecond")).append(" rows/s; (c) the door")
                .append(" alone: an HTTP server answering 202 after one blocking durable send to the same broker configuration,")
                .append(" under the same open-loop client.\n\n");
        md.append("| measure | Syncline | baseline | Syncline / baseline | target | met |\n");
        md.append("|---|---:|---:|---:|---|---|\n");
        for (Row row : rows(results)) {
            md.append("| ").append(row.measure()).append(" | ").append(format(row.syncline())).append(' ').append(row.unit())
                    .append(" | ").append(row.baseline() == null ? "" : format(row.baseline()))
                    .append(" | ").append(row.ratio() == null ? "" : format(row.ratio()))
                    .append(" | ").append(row.target() == null ? "" : row.target() + " " + row.unit())
                    .append(" | ").append(row.met() == null ? "" : row.met() ? "yes" : "**no**").append(" |\n");
        }
        return md.toString();
    }

    private static String format(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? String.valueOf((long) value) : String.valueOf(value);
    }

    /** A second file of as many rows (other keys) into the process that has just run the first: the JIT's first pass behind it. */
    @SuppressWarnings("unchecked")
    private static void secondFileRow(List<Row> rows, Map<String, Object> first, double loop) {
        Map<String, Object> second = (Map<String, Object>) first.get("second");
        if (second != null) {
            rows.add(new Row("  the same, a second file into that process", number(second.get("rowsPerSecond")), "rows/s", loop,
                    null, null));
        }
    }

    private static double number(Object value) {
        return ((Number) value).doubleValue();
    }
}
