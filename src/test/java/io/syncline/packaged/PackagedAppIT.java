package io.syncline.packaged;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;

import io.syncline.support.Claims;
import io.syncline.support.DataDirResource;
import io.syncline.support.Users;

/** The packaged application, started as a process the way the README starts it. */
class PackagedAppIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path WORK = Path.of("target", "it-data").toAbsolutePath();

    @Test
    void itStartsOnItsEmbeddedDefaultsWithNoExternalService() throws Exception {
        Path dataDir = WORK.resolve("defaults");
        DataDirResource.deleteRecursively(dataDir);
        try (PackagedApp app = PackagedApp.start(dataDir, Map.of(), WORK.resolve("defaults.log"))) {
            JsonNode ready = JSON.readTree(app.get("/q/health/ready").body());
            assertEquals("UP", ready.path("status").asText());
            assertTrue(ready.path("checks").findValuesAsText("name").contains("broker"));

            String claim = Claims.newClaimNumber();
            assertEquals(202, app.postJson("/webhooks/insurance-claims", Claims.valid(claim)).statusCode());
            Path outbox = dataDir.resolve("outbox").resolve("insurance-claims");
            await().atMost(Duration.ofSeconds(20)).until(() -> Outbox.keyCounts(outbox).containsKey(claim));
        }
    }

    @Test
    void eventsAnswered202BeforeAKill9AreAllDeliveredAfterARestart() throws Exception {
        Path dataDir = WORK.resolve("crash");
        DataDirResource.deleteRecursively(dataDir);
        WireMockServer crm = new WireMockServer(options().dynamicPort());
        crm.start();
        try {
            // The CRM is down: events pile up in the broker, one of them in a retry loop, none delivered.
            crm.stubFor(post(urlEqualTo("/crm/claims")).willReturn(aResponse().withStatus(503)));
            Map<String, String> settings = Map.of(
                    "sync.flows.insurance-claims.target.kind", "http",
                    "sync.flows.insurance-claims.webhook.open", "true",
                    "sync.flows.insurance-claims.target.url", crm.baseUrl() + "/crm/claims",
                    "sync.retry.max-redeliveries", "100000",
                    "sync.retry.initial-delay-ms", "100",
                    "sync.retry.max-delay-ms", "300");

            List<String> accepted = new ArrayList<>();
            PackagedApp first = PackagedApp.start(dataDir, settings, WORK.resolve("crash-before.log"));
            try {
                for (int i = 0; i < 30; i++) {
                    HttpResponse<String> answer = first.postJson("/webhooks/insurance-claims", Claims.valid(Claims.newClaimNumber()));
                    assertEquals(202, answer.statusCode(), answer.body());
                    accepted.add(JSON.readTree(answer.body()).path("eventId").asText());
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> !crm.getAllServeEvents().isEmpty());
            } finally {
                first.kill();
            }

            crm.resetAll();
            crm.stubFor(post(urlEqualTo("/crm/claims")).willReturn(aResponse().withStatus(200)));
            try (PackagedApp second = PackagedApp.start(dataDir, settings, WORK.resolve("crash-after.log"))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> delivered(crm).containsAll(accepted));
            }
            assertEquals(Set.copyOf(accepted), delivered(crm).stream().filter(accepted::contains).collect(Collectors.toSet()));
        } finally {
            crm.stop();
        }
    }

    @Test
    void twoInstancesShareTheWorkThroughOneBroker() throws Exception {
        // Instance A runs the broker and opens a core acceptor; instance B is configured for an external broker.
        int brokerPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            brokerPort = socket.getLocalPort();
        }
        Path dataA = WORK.resolve("shared-a");
        Path dataB = WORK.resolve("shared-b");
        DataDirResource.deleteRecursively(dataA);
        DataDirResource.deleteRecursively(dataB);
        // B signs in to A's broker as an instance user, the README's "Broker access" way
        try (PackagedApp a = PackagedApp.start(dataA, Map.of(
                "sync.broker.acceptor", "tcp://127.0.0.1:" + brokerPort + "?protocols=CORE",
                "sync.broker.users.instance-b.password-hash", Users.hash("instance-b", "b-joins-a"),
                "sync.broker.users.instance-b.instance", "true"), WORK.resolve("shared-a.log"));
                PackagedApp b = PackagedApp.start(dataB, Map.of(
                        "sync.broker.embedded", "false", "quarkus.artemis.url", "tcp://127.0.0.1:" + brokerPort,
                        "quarkus.artemis.username", "instance-b", "quarkus.artemis.password", "b-joins-a"),
                        WORK.resolve("shared-b.log"))) {
            JsonNode ready = JSON.readTree(b.get("/q/health/ready").body());
            assertEquals("tcp://127.0.0.1:" + brokerPort, ready.path("checks").findValue("url").asText());

            List<String> claims = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String claim = Claims.newClaimNumber();
                claims.add(claim);
                assertEquals(202, b.postJson("/webhooks/insurance-claims", Claims.valid(claim)).statusCode());
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> Outbox.keyCounts(dataA.resolve("outbox/insurance-claims"), dataB.resolve("outbox/insurance-claims")).keySet().containsAll(claims));
            Map<String, Integer> counts = Outbox.keyCounts(dataA.resolve("outbox/insurance-claims"), dataB.resolve("outbox/insurance-claims"));
            assertTrue(claims.stream().allMatch(c -> counts.get(c) == 1), "each claim delivered once, by one instance or the other");
        }
    }

    @Test
    void aPullResumesFromItsCursorAfterARestartAndFetchesNoPageTwice() throws Exception {
        Path dataDir = WORK.resolve("pull-restart");
        DataDirResource.deleteRecursively(dataDir);
        WireMockServer mes = new WireMockServer(options().dynamicPort());
        mes.start();
        try {
            String flow = "manufacturing-production-output";
            String item = java.nio.file.Files.readString(io.syncline.support.Examples.file(flow, "valid.json"));
            JsonNode template = JSON.readTree(item);
            java.util.function.IntFunction<String> itemNo = n -> ((com.fasterxml.jackson.databind.node.ObjectNode) template.deepCopy())
                    .put("outputRecordId", template.path("outputRecordId").asText() + "-" + n).toString();
            mes.stubFor(get(urlPathEqualTo("/mes/output")).withQueryParam("cursor", absent())
                    .willReturn(okJson("{\"items\":[" + itemNo.apply(1) + "," + itemNo.apply(2) + "],\"nextCursor\":\"p1\"}")));
            mes.stubFor(get(urlPathEqualTo("/mes/output")).withQueryParam("cursor", equalTo("p1"))
                    .willReturn(okJson("{\"items\":[" + itemNo.apply(3) + "],\"nextCursor\":\"p2\"}")));
            mes.stubFor(get(urlPathEqualTo("/mes/output")).withQueryParam("cursor", equalTo("p2"))
                    .willReturn(okJson("{\"items\":[],\"nextCursor\":\"p2\"}")));
            Map<String, String> settings = Map.of(
                    "sync.flows." + flow + ".pull.url", mes.baseUrl() + "/mes/output",
                    "sync.flows." + flow + ".schedule", "0/1 * * * * ?");
            Path outbox = dataDir.resolve("outbox").resolve(flow);

            try (PackagedApp first = PackagedApp.start(dataDir, settings, WORK.resolve("pull-before.log"))) {
                await().atMost(Duration.ofSeconds(30)).until(() -> Outbox.lines(outbox) == 3);
                await().atMost(Duration.ofSeconds(30)).until(() -> mes.findAll(
                        getRequestedFor(urlPathEqualTo("/mes/output")).withQueryParam("cursor", equalTo("p2"))).size() >= 1);
            }
            mes.resetRequests();
            try (PackagedApp second = PackagedApp.start(dataDir, settings, WORK.resolve("pull-after.log"))) {
                // the last delivery of the previous run is remembered: silence is not reset by a restart
                assertTrue(JSON.readTree(second.get("/api/flows/" + flow).body()).path("health").hasNonNull("lastSuccessAt"));
                await().atMost(Duration.ofSeconds(30)).until(() -> mes.findAll(
                        getRequestedFor(urlPathEqualTo("/mes/output")).withQueryParam("cursor", equalTo("p2"))).size() >= 2);
            }
            assertEquals(0, mes.findAll(getRequestedFor(urlPathEqualTo("/mes/output")).withQueryParam("cursor", absent())).size(),
                    "after the restart the first page is not fetched again");
            assertEquals(0, mes.findAll(getRequestedFor(urlPathEqualTo("/mes/output")).withQueryParam("cursor", equalTo("p1"))).size());
            assertEquals(3, Outbox.lines(outbox), "nothing delivered twice");
        } finally {
            mes.stop();
        }
    }

    @Test
    void startUpIsRefusedWithTheFlowAndKeyNamedWhenTheFlowsDoNotAddUp() throws Exception {
        Path dataDir = WORK.resolve("refused");
        DataDirResource.deleteRecursively(dataDir);
        Path unknownMode = WORK.resolve("refused-mode.log");
        java.nio.file.Files.deleteIfExists(unknownMode);
        assertTrue(PackagedApp.runUntilExit(dataDir, Map.of("sync.flows.insurance-claims.mode", "weekly"), unknownMode) != 0);
        assertTrue(java.nio.file.Files.readString(unknownMode).contains("sync.flows.insurance-claims.mode"));

        Path noSchema = WORK.resolve("refused-schema.log");
        java.nio.file.Files.deleteIfExists(noSchema);
        assertTrue(PackagedApp.runUntilExit(dataDir, Map.of("sync.flows.retail-gift-cards.mode", "realtime"), noSchema) != 0);
        String log = java.nio.file.Files.readString(noSchema);
        assertTrue(log.contains("flow retail-gift-cards: no schema at flows/retail-gift-cards/schema.json"), log);
        assertTrue(log.contains("no route.yaml of a flow folder (flows/retail-gift-cards/) defines an intake for sync.flows.retail-gift-cards.mode"), log);

        // a flow folder outside the jar whose schema is no JSON Schema 2020-12 ("type": "objekt"): named, not compiled
        Path badSchemaFlows = WORK.resolve("refused-schema-flows");
        DataDirResource.deleteRecursively(badSchemaFlows);
        Path labResults = java.nio.file.Files.createDirectories(badSchemaFlows.resolve("healthcare-lab-results"));
        for (String file : List.of("flow.properties", "route.yaml")) {
            java.nio.file.Files.copy(Path.of("src/test/resources/external-flows/healthcare-lab-results", file), labResults.resolve(file));
        }
        java.nio.file.Files.copy(Path.of("src/test/resources/flow-check/healthcare-bad-schema/schema.json"), labResults.resolve("schema.json"));
        Path notASchema = WORK.resolve("refused-not-a-schema.log");
        java.nio.file.Files.deleteIfExists(notASchema);
        assertTrue(PackagedApp.runUntilExit(dataDir, Map.of("sync.flows-dir", badSchemaFlows.toString()), notASchema) != 0);
        String schemaLog = java.nio.file.Files.readString(notASchema);
        assertTrue(schemaLog.contains("flow healthcare-lab-results: " + labResults.resolve("schema.json")
                + ": not a JSON Schema 2020-12: $.type"), schemaLog);

        // the store opens beside Camel's configuration: when it cannot, no route starts and the start names why
        Path brokenStore = WORK.resolve("refused-store");
        DataDirResource.deleteRecursively(brokenStore);
        java.nio.file.Files.createDirectories(brokenStore.resolve("state"));
        java.nio.file.Files.writeString(brokenStore.resolve("state").resolve("versions.rocksdb"), "not a folder");
        Path noStore = WORK.resolve("refused-store.log");
        java.nio.file.Files.deleteIfExists(noStore);
        assertTrue(PackagedApp.runUntilExit(brokenStore, Map.of(), noStore) != 0);
        String storeLog = java.nio.file.Files.readString(noStore);
        assertTrue(storeLog.contains("The embedded state in " + brokenStore.toAbsolutePath().resolve("state").resolve("versions.rocksdb")
                + " cannot be opened"), storeLog);
        assertFalse(storeLog.contains("Routes startup"), "a route started before the store was open:\n" + storeLog);
    }

    /** Event ids the CRM answered 200 to. */
    private static Set<String> delivered(WireMockServer crm) {
        return crm.getAllServeEvents().stream()
                .filter(e -> e.getResponse().getStatus() == 200)
                // a chunk of claims, an array of envelopes
                .flatMap(e -> {
                    try {
                        return JSON.readTree(e.getRequest().getBodyAsString()).findValuesAsText("eventId").stream();
                    } catch (java.io.IOException notJson) {
                        throw new java.io.UncheckedIOException(notJson);
                    }
                })
                .collect(Collectors.toSet());
    }
}
