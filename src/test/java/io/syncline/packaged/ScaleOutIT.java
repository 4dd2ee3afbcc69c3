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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.syncline.support.Claims;
import io.syncline.support.DataDirResource;
import io.syncline.support.LoopbackHttp;
import io.syncline.support.StateDatabases;

/**
 * Two packaged instances, identical but for their port, on the standalone Artemis 2.40 and a fresh PostgreSQL database,
 * sharing one data directory (the inbox volume), delivering to an http sink that records every key and version in the
 * order it arrives: webhooks sent alternately to both while one is killed and restarted all arrive; files in the shared
 * inbox are each taken once; a cron fires once per period across both; racing versions of one key never go backwards;
 * a pause on one instance pauses the other.
 */
class ScaleOutIT {

    static final Path WORK = Path.of("target", "it-data", "scale-out").toAbsolutePath();
    static final ObjectMapper JSON = new ObjectMapper();
    static final int WEBHOOKS = 2000;
    static final int RACE_ROUNDS = 40;
    static final int RACE_DOCUMENTS = 200;
    static final int FILES = 3;
    static final int ROWS_PER_FILE = 400;
    static final int BIG_FILE_ROWS = 60_000;
    static final int THROUGHPUT_WEBHOOKS = 1000;
    static final Duration DELIVERY = Duration.ofSeconds(120);

    @Test
    void twoInstancesShareTheWorkAndLoseNothingWhenOneIsKilled() throws Exception {
        DataDirResource.deleteRecursively(WORK);
        Path shared = WORK.resolve("shared");
        try (StandaloneArtemis broker = StandaloneArtemis.createAndStart(WORK);
                StateDatabases.Postgres database = StateDatabases.Postgres.unmigrated();
                Sink sink = new Sink()) {
            Map<String, String> settings = new HashMap<>(broker.syncSettings());
            settings.put("sync.state.jdbc-url", database.url());
            settings.put("sync.state.username", "postgres");
            settings.put("sync.cluster.checkin-interval", "2s");
            settings.put("sync.cluster.file-claim-timeout", "10s");
            settings.put("sync.flows.insurance-claims.target.kind", "http");
            settings.put("sync.flows.insurance-claims.target.url", sink.url("/records"));
            settings.put("sync.flows.insurance-claims.webhook.open", "true");
            settings.put("sync.flows.financial-compliance-docs.target.kind", "http");
            settings.put("sync.flows.financial-compliance-docs.target.url", sink.url("/records"));
            settings.put("sync.flows.financial-compliance-docs.schedule", "0/2 * * * * ?");
            settings.put("sync.flows.financial-compliance-docs.webhook.open", "true");
            settings.put("sync.flows.manufacturing-production-output.schedule", "0/2 * * * * ?");
            settings.put("sync.flows.manufacturing-production-output.pull.url", sink.url("/pull"));

            PackagedApp first = PackagedApp.start(shared, settings, WORK.resolve("a.log"));
            AtomicReference<PackagedApp> second = new AtomicReference<>();
            PackagedApp[] apps = new PackagedApp[2];
            try {
                // warm-up, then the rate of one instance alone
                deliver(List.of(first), 200, sink);
                double alone = deliver(List.of(first), THROUGHPUT_WEBHOOKS, sink);
                second.set(PackagedApp.start(shared, settings, WORK.resolve("b.log")));
                double together = deliver(List.of(first, second.get()), THROUGHPUT_WEBHOOKS, sink);
                System.out.printf("scale-out: webhook to target, %d webhooks from 8 senders: one instance %.0f/s, two instances"
                        + " %.0f/s, ratio %.2f (one machine of %d cores runs both, the broker and PostgreSQL)%n",
                        THROUGHPUT_WEBHOOKS, alone, together, together / alone, Runtime.getRuntime().availableProcessors());

                webhooksSentToBothWhileOneIsKilledAllArrive(first, second, shared, settings, sink);
                racingVersionsOfOneKeyNeverGoBackwards(first, second.get(), sink);
                filesInTheSharedInboxAreEachTakenOnce(shared, sink);
                webhooksRacingTheNightlyFileNeverGoBackwards(first, second.get(), shared, sink);
                apps[0] = first;
                apps[1] = second.get();
                aFileWhoseInstanceIsKilledIsFinishedByTheOther(apps, shared, settings, sink);
                aCronFiresOncePerPeriodAcrossBoth(sink);
                deadLettersAreListedReplayedAndDeletedFromEitherInstance(apps[0], apps[1], sink);
                bothInstancesShowTheSameCounters(apps[0], apps[1]);
                aPauseOnOneInstancePausesTheOther(apps[0], apps[1]);
            } finally {
                for (PackagedApp app : new PackagedApp[] { first, second.get(), apps[0], apps[1] }) {
                    if (app != null) {
                        app.close();
                    }
                }
            }
        }
    }

    private void webhooksSentToBothWhileOneIsKilledAllArrive(PackagedApp first, AtomicReference<PackagedApp> second,
            Path shared, Map<String, String> settings, Sink sink) throws Exception {
        List<String> accepted = new CopyOnWriteArrayList<>();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger sent = new AtomicInteger();
        ExecutorService senders = Executors.newFixedThreadPool(8);
        long start = System.nanoTime();
        try {
            List<Future<?>> posts = new ArrayList<>();
            for (int i = 0; i < WEBHOOKS; i++) {
                int n = i;
                posts.add(senders.submit(() -> {
                    String claim = Claims.newClaimNumber();
                    PackagedApp to = n % 2 == 0 ? first : second.get();
                    try {
                        if (to.postJson("/webhooks/insurance-claims", Claims.valid(claim)).statusCode() == 202) {
                            accepted.add(claim);
                        } else {
                            refused.incrementAndGet();
                        }
                    } catch (IOException e) {
                        refused.incrementAndGet();
                    }
                    sent.incrementAndGet();
                    return null;
                }));
            }
            await().atMost(DELIVERY).until(() -> sent.get() >= WEBHOOKS / 3);
            second.get().kill();
            long killedAt = System.nanoTime();
            second.set(PackagedApp.start(shared, settings, WORK.resolve("b-restarted.log")));
            System.out.printf("scale-out: instance b killed (kill -9) after %d of %d webhooks, back after %d ms%n",
                    WEBHOOKS / 3, WEBHOOKS, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
            for (Future<?> post : posts) {
                post.get(DELIVERY.toSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            senders.shutdownNow();
        }
        // the restarted instance takes webhooks again
        for (int i = 0; i < 100; i++) {
            String claim = Claims.newClaimNumber();
            assertEquals(202, second.get().postJson("/webhooks/insurance-claims", Claims.valid(claim)).statusCode());
            accepted.add(claim);
        }
        await().atMost(DELIVERY).until(() -> sink.keys().containsAll(accepted));
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        Map<String, Long> arrivals = sink.countsOf(accepted);
        long repeats = arrivals.values().stream().mapToLong(c -> c - 1).sum();
        System.out.printf("scale-out: %d webhooks sent alternately to two instances, %d accepted, %d refused while b was"
                + " down, %d delivered, 0 lost, %d repeats (at-least-once), %d ms from first send to last delivery (%.0f/s)%n",
                WEBHOOKS, accepted.size(), refused.get(), arrivals.size(), repeats, elapsedMs,
                accepted.size() * 1000.0 / elapsedMs);
        assertEquals(accepted.size(), arrivals.size(), "every accepted webhook reached the target");
        assertTrue(accepted.size() >= WEBHOOKS / 2, "accepted " + accepted.size() + " of " + WEBHOOKS);
    }

    /** Sends webhooks spread over the instances from 8 threads; records per second from the first send to the last delivery. */
    private static double deliver(List<PackagedApp> instances, int webhooks, Sink sink) throws Exception {
        List<String> claims = new ArrayList<>();
        for (int i = 0; i < webhooks; i++) {
            claims.add(Claims.newClaimNumber());
        }
        ExecutorService senders = Executors.newFixedThreadPool(8);
        long start = System.nanoTime();
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < webhooks; i++) {
                PackagedApp to = instances.get(i % instances.size());
                String claim = claims.get(i);
                answers.add(senders.submit(() -> to.postJson("/webhooks/insurance-claims", Claims.valid(claim)).statusCode()));
            }
            for (Future<Integer> answer : answers) {
                assertEquals(202, answer.get(DELIVERY.toSeconds(), TimeUnit.SECONDS));
            }
        } finally {
            senders.shutdownNow();
        }
        await().atMost(DELIVERY).pollInterval(Duration.ofMillis(20)).until(() -> sink.keys().containsAll(claims));
        return webhooks * 1e9 / (System.nanoTime() - start);
    }

    private void aFileWhoseInstanceIsKilledIsFinishedByTheOther(PackagedApp[] apps, Path shared, Map<String, String> settings,
            Sink sink) throws Exception {
        String flow = "financial-compliance-docs";
        String name = "scale-out-big.csv";
        Path inbox = shared.resolve("inbox").resolve(flow);
        Set<String> keys = new java.util.TreeSet<>();
        StringBuilder csv = new StringBuilder("documentId,clientId,documentType,status,receivedAt,updatedAt,expiresOn,reviewerId,jurisdiction\n");
        for (int row = 1; row <= BIG_FILE_ROWS; row++) {
            String id = "DOC-9%07d".formatted(row);
            keys.add(id);
            csv.append(id).append(",CLI-0000582215,kyc-passport,received,2026-11-27T07:45:00Z,2026-11-27T07:45:00Z,2031-09-02,,DE\n");
        }
        Path tmp = inbox.getParent().resolve(name + ".tmp");
        Files.writeString(tmp, csv, StandardCharsets.UTF_8);
        Files.move(tmp, inbox.resolve(name));

        // the instance that claimed the file shows it in progress; it is killed in the middle of it
        int[] holder = { -1 };
        await().atMost(DELIVERY).pollInterval(Duration.ofMillis(50)).until(() -> {
            for (int i = 0; i < apps.length; i++) {
                JsonNode progress = JSON.readTree(apps[i].get("/api/flows/" + flow).body()).path("progress");
                if (name.equals(progress.path("source").asText()) && progress.path("rowsDone").asLong() > 0) {
                    holder[0] = i;
                    return true;
                }
            }
            return false;
        });
        apps[holder[0]].kill();
        long killedAt = System.nanoTime();
        assertTrue(!sink.keys().containsAll(keys), "the kill came in the middle of the file");

        Path reports = shared.resolve("reports").resolve(flow);
        await().atMost(DELIVERY).until(() -> reportsOf(reports, List.of(name)).size() == 1 && sink.keys().containsAll(keys));
        List<JsonNode> report = reportsOf(reports, List.of(name)).get(name);
        assertEquals(1, report.size(), "one report: " + report);
        assertEquals("completed", report.get(0).path("status").asText());
        long resumedAfter = report.get(0).path("resumedAfterLine").asLong();
        assertTrue(resumedAfter > 1, "the other instance resumed from the checkpoint: " + report.get(0));
        long repeats = sink.countsOf(List.copyOf(keys)).values().stream().mapToLong(c -> c - 1).sum();
        System.out.printf("scale-out: %d-row file, instance %s killed in the middle of it, the other finished it %d ms later,"
                + " resumed after line %d, all %d rows at the target, %d repeats%n", BIG_FILE_ROWS, holder[0] == 0 ? "a" : "b",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt), resumedAfter, keys.size(), repeats);
        assertTrue(repeats <= 2L * 200, "at most the chunk in flight at the kill is repeated: " + repeats);
        apps[holder[0]] = PackagedApp.start(shared, settings, WORK.resolve("restarted-after-file.log"));
    }

    private void racingVersionsOfOneKeyNeverGoBackwards(PackagedApp first, PackagedApp second, Sink sink) throws Exception {
        String claim = Claims.newClaimNumber();
        Instant base = Instant.now().minus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        CyclicBarrier together = new CyclicBarrier(2);
        ExecutorService instances = Executors.newFixedThreadPool(2);
        try {
            // each round both instances get a version of the same claim at the same moment; which one is newer alternates
            Future<?> a = instances.submit(() -> race(first, claim, base, together, round -> 2 * round + round % 2));
            Future<?> b = instances.submit(() -> race(second, claim, base, together, round -> 2 * round + 1 - round % 2));
            a.get(DELIVERY.toSeconds(), TimeUnit.SECONDS);
            b.get(DELIVERY.toSeconds(), TimeUnit.SECONDS);
        } finally {
            instances.shutdownNow();
        }
        String newest = base.plusSeconds(2L * RACE_ROUNDS - 1).toString();
        await().atMost(DELIVERY).until(() -> sink.versionsOf(claim).contains(newest));
        List<String> versions = sink.versionsOf(claim);
        for (int i = 1; i < versions.size(); i++) {
            assertTrue(Instant.parse(versions.get(i)).isAfter(Instant.parse(versions.get(i - 1))),
                    "version " + versions.get(i) + " reached the target after " + versions.get(i - 1));
        }
        System.out.printf("scale-out: %d racing versions of %s through both instances, %d delivered, all in version order%n",
                2 * RACE_ROUNDS, claim, versions.size());
    }

    interface Second {
        int of(int round);
    }

    private static Void race(PackagedApp app, String claim, Instant base, CyclicBarrier together, Second second) throws Exception {
        for (int round = 0; round < RACE_ROUNDS; round++) {
            String reportedAt = base.plusSeconds(second.of(round)).toString();
            together.await(30, TimeUnit.SECONDS);
            int status = app.postJson("/webhooks/insurance-claims", Claims.valid(claim).replace("2026-11-27T09:14:00Z", reportedAt))
                    .statusCode();
            assertEquals(202, status);
        }
        return null;
    }

    private void filesInTheSharedInboxAreEachTakenOnce(Path shared, Sink sink) throws IOException {
        Path inbox = shared.resolve("inbox").resolve("financial-compliance-docs");
        Files.createDirectories(inbox);
        Set<String> keys = new java.util.TreeSet<>();
        List<String> names = new ArrayList<>();
        for (int file = 1; file <= FILES; file++) {
            StringBuilder csv = new StringBuilder("documentId,clientId,documentType,status,receivedAt,updatedAt,expiresOn,reviewerId,jurisdiction\n");
            for (int row = 1; row <= ROWS_PER_FILE; row++) {
                String id = "DOC-%d%07d".formatted(file, row);
                keys.add(id);
                csv.append(id).append(",CLI-0000582215,kyc-passport,received,2026-11-27T07:45:00Z,2026-11-27T07:45:00Z,2031-09-02,,DE\n");
            }
            String name = "scale-out-" + file + ".csv";
            names.add(name);
            Path tmp = inbox.getParent().resolve(name + ".tmp");
            Files.writeString(tmp, csv, StandardCharsets.UTF_8);
            Files.move(tmp, inbox.resolve(name));
        }
        Path reports = shared.resolve("reports").resolve("financial-compliance-docs");
        await().atMost(DELIVERY).until(() -> reportsOf(reports, names).size() == FILES && sink.keys().containsAll(keys));
        Map<String, List<JsonNode>> byFile = reportsOf(reports, names);
        for (String name : names) {
            assertEquals(1, byFile.get(name).size(), name + " has exactly one report");
            assertEquals("completed", byFile.get(name).get(0).path("status").asText(), name + ": " + byFile.get(name));
        }
        System.out.printf("scale-out: %d files in the shared inbox, one report each, all %d rows at the target (%s)%n",
                FILES, keys.size(), byFile.values().stream().map(r -> r.get(0).path("rowsRead").asText()).toList());
    }

    /**
     * The same documents arrive as webhooks (newer) at one instance while the file (older) is taken by whichever instance
     * claims it: at the target no document's version goes backwards, and the newer one is the last.
     */
    private void webhooksRacingTheNightlyFileNeverGoBackwards(PackagedApp first, PackagedApp second, Path shared, Sink sink)
            throws Exception {
        String older = "2026-11-27T07:45:00Z";
        String newer = "2026-11-27T09:14:00Z";
        List<String> documents = new ArrayList<>();
        StringBuilder csv = new StringBuilder("documentId,clientId,documentType,status,receivedAt,updatedAt,expiresOn,reviewerId,jurisdiction\n");
        for (int row = 1; row <= RACE_DOCUMENTS; row++) {
            String id = "DOC-77%06d".formatted(row);
            documents.add(id);
            csv.append(id).append(",CLI-0000582215,kyc-passport,received,2026-11-25T08:02:11Z,").append(older)
                    .append(",2031-09-02,,DE\n");
        }
        Path inbox = shared.resolve("inbox").resolve("financial-compliance-docs");
        Path tmp = inbox.getParent().resolve("nightly-race.csv.tmp");
        Files.writeString(tmp, csv, StandardCharsets.UTF_8);
        Files.move(tmp, inbox.resolve("nightly-race.csv"));
        String example = Files.readString(io.syncline.support.Examples.file("financial-compliance-docs", "valid.json"));
        for (int i = 0; i < documents.size(); i++) {
            PackagedApp to = i % 2 == 0 ? first : second;
            assertEquals(202, to.postJson("/webhooks/financial-compliance-docs",
                    example.replace("DOC-00731840", documents.get(i))).statusCode());
        }
        await().atMost(DELIVERY).until(() -> documents.stream().allMatch(d -> sink.versionsOf(d).contains(newer))
                && reportsOf(shared.resolve("reports").resolve("financial-compliance-docs"), List.of("nightly-race.csv")).size() == 1);
        int fileFirst = 0;
        for (String document : documents) {
            List<String> versions = sink.versionsOf(document);
            assertEquals(newer, versions.get(versions.size() - 1), document + " ended on the older version: " + versions);
            assertTrue(!versions.subList(versions.indexOf(newer), versions.size()).contains(older),
                    document + " went backwards: " + versions);
            fileFirst += versions.contains(older) ? 1 : 0;
        }
        System.out.printf("scale-out: %d documents as webhooks (newer) racing the file (older) on two instances: %d got the"
                + " file's version first, %d never (stale), none went backwards%n", documents.size(), fileFirst,
                documents.size() - fileFirst);
    }

    /** Reports by the original file name. */
    private static Map<String, List<JsonNode>> reportsOf(Path reports, List<String> names) throws IOException {
        if (!Files.isDirectory(reports)) {
            return Map.of();
        }
        Map<String, List<JsonNode>> byFile = new HashMap<>();
        try (Stream<Path> files = Files.list(reports)) {
            for (Path report : files.filter(p -> p.getFileName().toString().endsWith(".report.json")).toList()) {
                for (String name : names) {
                    if (report.getFileName().toString().endsWith("-" + name + ".report.json")) {
                        byFile.computeIfAbsent(name, n -> new ArrayList<>()).add(JSON.readTree(report.toFile()));
                    }
                }
            }
        }
        return byFile;
    }

    private void aCronFiresOncePerPeriodAcrossBoth(Sink sink) {
        // every 2 seconds on one instance or the other: 5 more pulls take at least 8 seconds; fired by both, about 4
        int before = sink.pulls();
        long from = System.nanoTime();
        await().atMost(Duration.ofSeconds(30)).until(() -> sink.pulls() >= before + 5);
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - from);
        System.out.printf("scale-out: a pull scheduled every 2 s fired 5 times in %d ms across both instances%n", elapsedMs);
        assertTrue(elapsedMs >= 7_000, "5 pulls in " + elapsedMs + " ms: the cron fired on both instances");
    }

    private void deadLettersAreListedReplayedAndDeletedFromEitherInstance(PackagedApp first, PackagedApp second, Sink sink)
            throws Exception {
        String replayed = Claims.newClaimNumber();
        String deleted = Claims.newClaimNumber();
        sink.refuse(replayed);
        sink.refuse(deleted);
        assertEquals(202, first.postJson("/webhooks/insurance-claims", Claims.valid(replayed)).statusCode());
        assertEquals(202, second.postJson("/webhooks/insurance-claims", Claims.valid(deleted)).statusCode());
        // the dead letters are on the shared broker: each instance lists both, whichever instance wrote them
        String replayedId = await().atMost(DELIVERY).until(() -> deadLetterId(second, replayed), id -> id != null);
        String deletedId = await().atMost(DELIVERY).until(() -> deadLetterId(first, deleted), id -> id != null);
        assertEquals(replayedId, deadLetterId(first, replayed));

        sink.accept(replayed);
        assertEquals(200, first.postAsOperator("/api/dead-letters/" + replayedId + "/replay").statusCode());
        await().atMost(DELIVERY).until(() -> sink.keys().contains(replayed));
        assertEquals(204, second.deleteAsOperator("/api/dead-letters/" + deletedId).statusCode());
        await().atMost(Duration.ofSeconds(15)).until(() -> deadLetterId(first, replayed) == null && deadLetterId(first, deleted) == null
                && deadLetterId(second, replayed) == null && deadLetterId(second, deleted) == null);
        assertTrue(!sink.keys().contains(deleted), "a deleted dead letter is not delivered");
    }

    /** The id of the flow's dead letter with this key, as an instance lists it; null when there is none. */
    private static String deadLetterId(PackagedApp app, String key) throws IOException, InterruptedException {
        for (JsonNode letter : JSON.readTree(app.get("/api/dead-letters?flow=insurance-claims&limit=1000").body()).path("items")) {
            if (key.equals(letter.path("key").asText())) {
                return letter.path("id").asText();
            }
        }
        return null;
    }

    private void bothInstancesShowTheSameCounters(PackagedApp first, PackagedApp second) {
        // each instance adds the others' counters to its own: with no traffic, both show the same sum
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            JsonNode a = JSON.readTree(first.get("/api/flows/insurance-claims").body());
            JsonNode b = JSON.readTree(second.get("/api/flows/insurance-claims").body());
            return a.path("counters").equals(b.path("counters")) && a.path("countersSince").equals(b.path("countersSince"))
                    && a.path("counters").path("published").asLong() >= 1400;
        });
    }

    private void aPauseOnOneInstancePausesTheOther(PackagedApp first, PackagedApp second) throws Exception {
        assertEquals(2, first.postAsOperator("/api/flows/insurance-claims/pause").statusCode() / 100);
        await().atMost(Duration.ofSeconds(15)).until(() -> "paused".equals(state(second, "insurance-claims")));
        assertEquals(2, second.postAsOperator("/api/flows/insurance-claims/resume").statusCode() / 100);
        await().atMost(Duration.ofSeconds(15)).until(() -> "running".equals(state(first, "insurance-claims")));
    }

    private static String state(PackagedApp app, String flow) throws IOException, InterruptedException {
        HttpResponse<String> answer = app.get("/api/flows/" + flow);
        return JSON.readTree(answer.body()).path("state").asText();
    }

    /** The http target of both instances: records every envelope's key and source timestamp, in arrival order. */
    static final class Sink implements AutoCloseable {
        private final HttpServer server;
        private final ExecutorService executor = Executors.newFixedThreadPool(4);
        private final Map<String, List<String>> versions = new ConcurrentHashMap<>();
        private final AtomicInteger pulls = new AtomicInteger();
        private final Set<String> refused = ConcurrentHashMap.newKeySet();

        Sink() {
            server = LoopbackHttp.start(executor, Map.of("/records", this::record, "/pull", exchange -> {
                pulls.incrementAndGet();
                byte[] page = "{\"items\":[],\"nextCursor\":null}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, page.length);
                exchange.getResponseBody().write(page);
                exchange.close();
            }));
        }

        private void record(HttpExchange exchange) throws IOException {
            JsonNode envelopes = JSON.readTree(LoopbackHttp.body(exchange));
            for (JsonNode envelope : envelopes.isArray() ? envelopes : JSON.createArrayNode().add(envelopes)) {
                if (refused.contains(envelope.path("key").asText())) {
                    // a permanent refusal: the record becomes a dead letter
                    exchange.sendResponseHeaders(422, -1);
                    exchange.close();
                    return;
                }
            }
            // recorded before the answer: what the target acknowledged, it has
            synchronized (versions) {
                for (JsonNode envelope : envelopes.isArray() ? envelopes : JSON.createArrayNode().add(envelopes)) {
                    versions.computeIfAbsent(envelope.path("key").asText(), k -> new CopyOnWriteArrayList<>())
                            .add(envelope.path("sourceTimestamp").asText());
                }
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        }

        /** Refuses the records of this key (422) until {@link #accept}. */
        void refuse(String key) {
            refused.add(key);
        }

        void accept(String key) {
            refused.remove(key);
        }

        String url(String path) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + path;
        }

        Set<String> keys() {
            return versions.keySet();
        }

        Map<String, Long> countsOf(List<String> keys) {
            return keys.stream().filter(versions::containsKey)
                    .collect(Collectors.toMap(k -> k, k -> (long) versions.get(k).size(), (a, b) -> a));
        }

        List<String> versionsOf(String key) {
            return List.copyOf(versions.getOrDefault(key, List.of()));
        }

        int pulls() {
            return pulls.get();
        }

        @Override
        public void close() {
            server.stop(0);
            executor.shutdownNow();
        }
    }
}
