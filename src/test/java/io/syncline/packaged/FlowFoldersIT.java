package io.syncline.packaged;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.syncline.support.DataDirResource;

/**
 * A flow that exists only in a folder outside the jar ({@code sync.flows-dir}), run by the packaged application and
 * reloaded when its folder is edited, and the offline check run by the same jar.
 */
class FlowFoldersIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path WORK = Path.of("target", "it-data").toAbsolutePath();
    static final Path EXTERNAL = Path.of("src/test/resources/external-flows").toAbsolutePath();
    static final String FLOW = "healthcare-lab-results";

    @Test
    void aSixteenthFlowDefinedOnlyOutsideTheJarTakesWebhooksIntoTheOutbox() throws Exception {
        Path dataDir = WORK.resolve("flow-folders");
        DataDirResource.deleteRecursively(dataDir);
        Path flowsDir = copy(EXTERNAL, WORK.resolve("flow-folders-flows"));
        Path examples = flowsDir.resolve(FLOW).resolve("examples");
        try (PackagedApp app = PackagedApp.start(dataDir, Map.of("sync.flows-dir", flowsDir.toString(),
                "sync.flows." + FLOW + ".freshness.max-silence", "P2D"),
                WORK.resolve("flow-folders.log"))) {
            HttpResponse<String> accepted = app.postJson("/webhooks/" + FLOW, Files.readString(examples.resolve("valid.json")));
            assertEquals(202, accepted.statusCode(), accepted.body());
            Path outbox = dataDir.resolve("outbox").resolve(FLOW);
            await().atMost(Duration.ofSeconds(20)).until(() -> Outbox.keyCounts(outbox).containsKey("LAB-20261127001"));

            HttpResponse<String> refused = app.postJson("/webhooks/" + FLOW, Files.readString(examples.resolve("invalid.json")));
            assertEquals(400, refused.statusCode(), refused.body());

            JsonNode flow = JSON.readTree(app.get("/api/flows/" + FLOW).body());
            assertEquals("Lab results", flow.path("dataFlow").asText(), flow.toString());
            assertEquals(List.of("webhook"), JSON.convertValue(flow.path("intakes"), List.class));
            JsonNode flows = JSON.readTree(app.get("/api/flows").body());
            assertEquals(16, flows.size(), "the fifteen built-in flows and the one of the folder");
            // the published contract follows the folders: the 16th flow's webhook, its schema as the body
            JsonNode contract = JSON.readTree(app.get("/q/openapi?format=json").body());
            assertEquals("#/components/schemas/" + FLOW, contract.path("paths").path("/webhooks/" + FLOW).path("post")
                    .path("requestBody").path("content").path("application/json").path("schema").path("$ref").asText());
            assertTrue(contract.path("components").path("schemas").path(FLOW).path("properties").has("resultId"),
                    contract.path("components").path("schemas").path(FLOW).toString());
            // a built-in flow still takes its webhooks
            assertEquals(202, app.postJson("/webhooks/insurance-claims", io.syncline.support.Claims.valid(
                    io.syncline.support.Claims.newClaimNumber())).statusCode());

            // Reload while running: the schema now requires "abnormal"; a record without it, valid until now, is a 400.
            assertEquals(202, app.postJson("/webhooks/" + FLOW, result(1, false)).statusCode());
            Path schema = flowsDir.resolve(FLOW).resolve("schema.json");
            String original = Files.readString(schema);
            Files.writeString(schema, original.replace("\"required\": [\"resultId\"", "\"required\": [\"abnormal\", \"resultId\""));
            await().atMost(Duration.ofSeconds(20)).until(() -> app.postJson("/webhooks/" + FLOW, result(2, false)).statusCode() == 400);
            assertEquals(202, app.postJson("/webhooks/" + FLOW, result(3, true)).statusCode());
            assertEquals(List.of(), JSON.convertValue(JSON.readTree(app.get("/api/flows/" + FLOW).body()).path("problems"), List.class));

            // A broken edit is refused: the flow says what and where, and the previous version keeps accepting.
            Files.writeString(schema, "{ \"type\": \"object\", ");
            JsonNode refusedEdit = await().atMost(Duration.ofSeconds(20)).until(
                    () -> JSON.readTree(app.get("/api/flows/" + FLOW).body()).path("problems"), p -> !p.isEmpty());
            assertTrue(refusedEdit.get(0).asText().startsWith(FLOW + "/schema.json: "), refusedEdit.toString());
            assertEquals(202, app.postJson("/webhooks/" + FLOW, result(4, true)).statusCode());
            assertEquals(400, app.postJson("/webhooks/" + FLOW, result(5, false)).statusCode());
            await().atMost(Duration.ofSeconds(20)).until(() -> Outbox.keyCounts(outbox).keySet().containsAll(
                    List.of("LAB-20261201001", "LAB-20261201003", "LAB-20261201004")));

            // Its route edited: the file intake now runs in every mode, next to the webhook; a broken route is refused.
            Files.writeString(schema, original);
            Path route = flowsDir.resolve(FLOW).resolve("route.yaml");
            String routes = Files.readString(route);
            int file = routes.indexOf("routeTemplateRef: file-intake");
            // webhooks keep coming while the routes are replaced: every one answered 202 is delivered
            java.util.concurrent.atomic.AtomicBoolean reloaded = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.ExecutorService source = java.util.concurrent.Executors.newSingleThreadExecutor();
            java.util.Set<Integer> answers = java.util.concurrent.ConcurrentHashMap.newKeySet();
            java.util.Set<String> unexpected = java.util.concurrent.ConcurrentHashMap.newKeySet();
            java.util.concurrent.Future<List<String>> sending = source.submit(() -> {
                List<String> sent = new ArrayList<>();
                for (int n = 100; !reloaded.get() || n < 120; n++) {
                    HttpResponse<String> answer = app.postJson("/webhooks/" + FLOW, result(n, true));
                    int status = answer.statusCode();
                    answers.add(status);
                    if (status != 202 && !(status == 503 && answer.body().contains("flow-reloading"))) {
                        unexpected.add(status + " " + answer.body());
                    }
                    if (status == 202) {
                        sent.add(resultId(n));
                    }
                }
                return sent;
            });
            Files.writeString(route, routes.substring(0, file) + routes.substring(file).replace("value: batch", "value: always"));
            await().atMost(Duration.ofSeconds(20)).until(() -> JSON.convertValue(
                    JSON.readTree(app.get("/api/flows/" + FLOW).body()).path("intakes"), List.class).equals(List.of("file", "webhook")));
            reloaded.set(true);
            List<String> sent = sending.get(60, TimeUnit.SECONDS);
            source.shutdown();
            assertTrue(sent.size() >= 20, sent.toString());
            assertTrue(unexpected.isEmpty(), "202, or a 503 flow-reloading problem while the routes are replaced: " + answers + " " + unexpected);
            await().atMost(Duration.ofSeconds(30)).until(() -> Outbox.keyCounts(outbox).keySet().containsAll(sent));
            assertEquals(202, app.postJson("/webhooks/" + FLOW, result(6, false)).statusCode());
            Files.writeString(route, routes.replace("routeTemplateRef: file-intake", "routeTemplateRef: sftp-intake"));
            JsonNode refusedRoute = await().atMost(Duration.ofSeconds(20)).until(
                    () -> JSON.readTree(app.get("/api/flows/" + FLOW).body()).path("problems"), p -> !p.isEmpty());
            assertTrue(refusedRoute.get(0).asText().startsWith(FLOW + "/route.yaml: "), refusedRoute.toString());
            assertEquals(List.of("file", "webhook"), JSON.convertValue(JSON.readTree(app.get("/api/flows/" + FLOW).body()).path("intakes"), List.class));
            assertEquals(202, app.postJson("/webhooks/" + FLOW, result(7, false)).statusCode());
            await().atMost(Duration.ofSeconds(20)).until(() -> Outbox.keyCounts(outbox).keySet().containsAll(
                    List.of("LAB-20261201006", "LAB-20261201007")));

            // A paused flow whose route.yaml is edited stays paused: its new routes are created, never started.
            assertEquals(200, app.postAsOperator("/api/flows/" + FLOW + "/pause").statusCode());
            Files.writeString(route, routes);
            JsonNode pausedAfterEdit = await().atMost(Duration.ofSeconds(20)).until(
                    () -> JSON.readTree(app.get("/api/flows/" + FLOW).body()),
                    f -> JSON.convertValue(f.path("intakes"), List.class).equals(List.of("webhook")) && f.path("problems").isEmpty());
            assertEquals("paused", pausedAfterEdit.path("state").asText(), pausedAfterEdit.toString());
            for (JsonNode routeView : pausedAfterEdit.path("routes")) {
                assertEquals("Stopped", routeView.path("status").asText(), pausedAfterEdit.toString());
            }
            HttpResponse<String> whilePaused = app.postJson("/webhooks/" + FLOW, result(13, false));
            assertEquals(503, whilePaused.statusCode(), whilePaused.body());
            assertTrue(whilePaused.body().contains("flow-paused"), whilePaused.body());
            // edited again while paused: its routes, created stopped, are replaced by routes created stopped
            Files.writeString(route, routes.substring(0, file) + routes.substring(file).replace("value: batch", "value: always"));
            JsonNode editedAgain = await().atMost(Duration.ofSeconds(20)).until(
                    () -> JSON.readTree(app.get("/api/flows/" + FLOW).body()),
                    f -> f.path("intakes").toString().equals("[\"file\",\"webhook\"]") && f.path("problems").isEmpty());
            assertEquals("paused", editedAgain.path("state").asText(), editedAgain.toString());
            for (JsonNode routeView : editedAgain.path("routes")) {
                assertEquals("Stopped", routeView.path("status").asText(), editedAgain.toString());
            }
            assertEquals(200, app.postAsOperator("/api/flows/" + FLOW + "/resume").statusCode());
            assertEquals(202, app.postJson("/webhooks/" + FLOW, result(8, false)).statusCode());
            await().atMost(Duration.ofSeconds(20)).until(() -> Outbox.keyCounts(outbox).containsKey("LAB-20261201008"));

            // Its settings edited: batch mode and a longer max-lag apply without a restart (the routes of batch mode
            // replace those of real-time); a key set with -D still wins over the folder's.
            Path settings = flowsDir.resolve(FLOW).resolve("flow.properties");
            String originalSettings = Files.readString(settings);
            Files.writeString(settings, originalSettings.replace("mode=realtime", "mode=batch")
                    .replace("freshness.max-lag=PT5M", "freshness.max-lag=PT30M") + "freshness.max-silence=P1D\n");
            JsonNode batch = await().atMost(Duration.ofSeconds(20)).until(() -> JSON.readTree(app.get("/api/flows/" + FLOW).body()),
                    f -> "batch".equals(f.path("mode").asText()) && JSON.convertValue(f.path("intakes"), List.class).equals(List.of("file")));
            assertEquals("PT30M", batch.path("freshness").path("maxLag").asText(), batch.toString());
            assertEquals("PT48H", batch.path("freshness").path("maxSilence").asText(), "-D wins over flow.properties: " + batch);
            assertEquals(List.of(), JSON.convertValue(batch.path("problems"), List.class));
            assertEquals(404, answerOnceReloaded(app, "/webhooks/" + FLOW, result(9, true)).statusCode(), "no webhook in batch mode");
            Path inbox = dataDir.resolve("inbox").resolve(FLOW);
            Files.createDirectories(inbox);
            Files.writeString(inbox.resolve("results.jsonl"), result(10, true) + "\n");
            await().atMost(Duration.ofSeconds(20)).until(() -> Outbox.keyCounts(outbox).containsKey(resultId(10)));

            // A broken settings edit (an unknown key, a mode that is none) is refused: the batch settings keep running.
            Files.writeString(settings, originalSettings.replace("mode=realtime", "mode=sometimes") + "freshness.max-lagg=PT1M\n");
            JsonNode refusedSettings = await().atMost(Duration.ofSeconds(20)).until(
                    () -> JSON.readTree(app.get("/api/flows/" + FLOW).body()), f -> !f.path("problems").isEmpty());
            for (JsonNode problem : refusedSettings.path("problems")) {
                assertTrue(problem.asText().startsWith(FLOW + "/flow.properties: "), refusedSettings.toString());
            }
            assertTrue(refusedSettings.path("problems").toString().contains("freshness.max-lagg"), refusedSettings.toString());
            assertEquals("batch", refusedSettings.path("mode").asText(), refusedSettings.toString());
            assertEquals("PT30M", refusedSettings.path("freshness").path("maxLag").asText(), refusedSettings.toString());
            Files.writeString(inbox.resolve("more-results.jsonl"), result(11, true) + "\n");
            await().atMost(Duration.ofSeconds(20)).until(() -> Outbox.keyCounts(outbox).containsKey(resultId(11)));

            // Back as it was: real-time again, its webhook answers.
            Files.writeString(settings, originalSettings);
            JsonNode realtime = await().atMost(Duration.ofSeconds(20)).until(() -> JSON.readTree(app.get("/api/flows/" + FLOW).body()),
                    f -> "realtime".equals(f.path("mode").asText()) && f.path("problems").isEmpty());
            assertEquals("PT5M", realtime.path("freshness").path("maxLag").asText(), realtime.toString());
            acceptedSoon(app, "/webhooks/" + FLOW, result(12, false));
            await().atMost(Duration.ofSeconds(20)).until(() -> Outbox.keyCounts(outbox).containsKey(resultId(12)));
        }
    }

    @Test
    void aFolderAddedWhileRunningStartsItsFlowAndARemovedOneStopsIt() throws Exception {
        Path dataDir = WORK.resolve("flow-folders-added");
        DataDirResource.deleteRecursively(dataDir);
        Path flowsDir = copy(EXTERNAL, WORK.resolve("flow-folders-added-flows"));
        Path staging = WORK.resolve("flow-folders-staging");
        DataDirResource.deleteRecursively(staging);
        String panels = "healthcare-lab-panels";
        try (PackagedApp app = PackagedApp.start(dataDir, Map.of("sync.flows-dir", flowsDir.toString()),
                WORK.resolve("flow-folders-added.log"))) {
            assertEquals(404, app.postJson("/webhooks/" + panels, result(1, true)).statusCode());

            // A new folder (moved in whole, as a deployment does): checked, started, in the catalog and the contract.
            Path folder = renamed(EXTERNAL.resolve(FLOW), staging.resolve(panels), FLOW, panels);
            Files.move(folder, flowsDir.resolve(panels));
            JsonNode added = await().atMost(Duration.ofSeconds(20)).until(() -> JSON.readTree(app.get("/api/flows/" + panels).body()),
                    f -> f.path("intakes").toString().equals("[\"webhook\"]"));
            assertEquals("running", added.path("state").asText(), added.toString());
            assertEquals(17, JSON.readTree(app.get("/api/flows").body()).size());
            acceptedSoon(app, "/webhooks/" + panels, result(1, true));
            assertEquals(400, app.postJson("/webhooks/" + panels, "{\"resultId\": \"LAB-1\"}").statusCode());
            await().atMost(Duration.ofSeconds(20)).until(() -> Outbox.keyCounts(dataDir.resolve("outbox").resolve(panels))
                    .containsKey(resultId(1)));
            JsonNode contract = JSON.readTree(app.get("/q/openapi?format=json").body());
            assertTrue(contract.path("paths").has("/webhooks/" + panels), contract.path("paths").toString());
            assertTrue(app.get("/q/health/well").body().contains("flow-" + panels), "its wellness check");

            // A folder that replaces a built-in flow while it runs, then removed: the built-in flow comes back.
            String tiers = "retail-loyalty-tiers";
            Path replacement = copy(Path.of("src/main/resources/flows", tiers).toAbsolutePath(), staging.resolve(tiers));
            Path tierSettings = replacement.resolve("flow.properties");
            Files.writeString(tierSettings, Files.readString(tierSettings).replace("data-flow=Loyalty tier changes",
                    "data-flow=Loyalty tiers from the new CRM"));
            Files.move(replacement, flowsDir.resolve(tiers));
            await().atMost(Duration.ofSeconds(20)).until(() -> JSON.readTree(app.get("/api/flows/" + tiers).body())
                    .path("dataFlow").asText().equals("Loyalty tiers from the new CRM"));
            String tierExample = Files.readString(Path.of("src/main/resources/flows", tiers, "examples", "valid.json"));
            acceptedSoon(app, "/webhooks/" + tiers, tierExample);
            Files.move(flowsDir.resolve(tiers), staging.resolve(tiers + "-removed"));
            JsonNode builtIn = await().atMost(Duration.ofSeconds(20)).until(() -> JSON.readTree(app.get("/api/flows/" + tiers).body()),
                    f -> f.path("dataFlow").asText().equals("Loyalty tier changes"));
            assertEquals("running", builtIn.path("state").asText(), builtIn.toString());
            acceptedSoon(app, "/webhooks/" + tiers, tierExample);

            // The new folder removed: its routes stop and go, and it leaves the catalog, the contract and the checks.
            Files.move(flowsDir.resolve(panels), staging.resolve(panels + "-removed"));
            await().atMost(Duration.ofSeconds(20)).until(() -> app.get("/api/flows/" + panels).statusCode() == 404);
            assertEquals(16, JSON.readTree(app.get("/api/flows").body()).size());
            assertEquals(404, app.postJson("/webhooks/" + panels, result(2, true)).statusCode());
            assertTrue(!JSON.readTree(app.get("/q/openapi?format=json").body()).path("paths").has("/webhooks/" + panels));
            String well = app.get("/q/health/well").body();
            assertTrue(!well.contains("flow-" + panels), well);
            // the flow defined only outside the jar still runs
            assertEquals(202, app.postJson("/webhooks/" + FLOW, result(3, true)).statusCode());
        }
    }

    /**
     * Sent until answered 202, as a source does after the 503 of a flow whose routes are being replaced (its new
     * settings show in the catalog a moment before its new routes answer); any other answer fails.
     */
    private static void acceptedSoon(PackagedApp app, String path, String body) {
        HttpResponse<String> answer = answerOnceReloaded(app, path, body);
        assertEquals(202, answer.statusCode(), answer.body());
    }

    /**
     * The first answer that is not the 503 of a reload still replacing the flow's routes (the catalog shows its new
     * settings a moment before the reload is done), as a source that retries after a 503 gets it.
     */
    private static HttpResponse<String> answerOnceReloaded(PackagedApp app, String path, String body) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> app.postJson(path, body),
                answer -> !(answer.statusCode() == 503 && answer.body().contains("flow-reloading")));
    }

    /** A copy of a flow folder under another flow id. */
    private static Path renamed(Path from, Path to, String fromId, String toId) throws IOException {
        copy(from, to);
        try (Stream<Path> files = Files.walk(to)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.writeString(file, Files.readString(file).replace(fromId, toId));
            }
        }
        return to;
    }

    static String resultId(int n) {
        return "LAB-" + (20261201000L + n);
    }

    /** A lab result, with or without the field "abnormal". */
    private static String result(int n, boolean withAbnormal) {
        return "{\"resultId\": \"" + resultId(n) + "\", \"mrn\": \"MRN00451234\", \"testCode\": \"2345-7\", \"value\": 5.4,"
                + " \"unit\": \"mmol/L\", " + (withAbnormal ? "\"abnormal\": false, " : "") + "\"resultedAt\": \"2026-11-30T09:14:00Z\"}";
    }

    @Test
    void theCheckCommandOfTheJarPassesGoodFoldersAndNamesEachProblemOfBrokenOnes() throws Exception {
        assertEquals(0, check(EXTERNAL, WORK.resolve("check-good.log")));
        assertEquals(0, check(Path.of("src/main/resources/flows").toAbsolutePath(), WORK.resolve("check-built-in.log")));
        Path log = WORK.resolve("check-broken.log");
        assertEquals(1, check(Path.of("src/test/resources/flow-check").toAbsolutePath(), log));
        String output = Files.readString(log);
        for (String file : List.of("healthcare-bad-yaml/route.yaml: ", "healthcare-unknown-template/route.yaml: ",
                "healthcare-bad-schema/schema.json: ", "healthcare-unknown-key/flow.properties: ",
                "healthcare-bad-cron/flow.properties: ")) {
            assertTrue(output.contains(file), file + " in:\n" + output);
        }
        assertTrue(!output.contains("Listening on"), "the check starts nothing:\n" + output);
    }

    private static int check(Path flowsDir, Path log) throws IOException, InterruptedException {
        String runner = PackagedApp.runner();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", runner, "check", flowsDir.toString()));
        Files.createDirectories(log.getParent());
        Files.deleteIfExists(log);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("check did not exit; see " + log);
        }
        return process.exitValue();
    }

    /** A copy the test may edit while the application runs. */
    static Path copy(Path from, Path to) throws IOException {
        DataDirResource.deleteRecursively(to);
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
        return to;
    }
}
