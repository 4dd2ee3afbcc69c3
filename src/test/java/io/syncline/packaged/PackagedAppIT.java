package io.syncline.packaged;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
            await().atMost(Duration.ofSeconds(20)).until(() -> java.nio.file.Files.isDirectory(outbox)
                    && java.nio.file.Files.list(outbox).anyMatch(f -> {
                        try {
                            return java.nio.file.Files.readString(f).contains(claim);
                        } catch (java.io.IOException e) {
                            return false;
                        }
                    }));
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
        try (PackagedApp a = PackagedApp.start(dataA,
                Map.of("sync.broker.acceptor", "tcp://127.0.0.1:" + brokerPort + "?protocols=CORE"), WORK.resolve("shared-a.log"));
                PackagedApp b = PackagedApp.start(dataB,
                        Map.of("sync.broker.embedded", "false", "quarkus.artemis.url", "tcp://127.0.0.1:" + brokerPort),
                        WORK.resolve("shared-b.log"))) {
            JsonNode ready = JSON.readTree(b.get("/q/health/ready").body());
            assertEquals("tcp://127.0.0.1:" + brokerPort, ready.path("checks").findValue("url").asText());

            List<String> claims = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String claim = Claims.newClaimNumber();
                claims.add(claim);
                assertEquals(202, b.postJson("/webhooks/insurance-claims", Claims.valid(claim)).statusCode());
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> outboxKeys(dataA, dataB).containsAll(claims));
            assertEquals(claims.size(), outboxKeys(dataA, dataB).stream().filter(claims::contains).count(),
                    "each claim delivered once, by one instance or the other");
        }
    }

    private static List<String> outboxKeys(Path... dataDirs) throws java.io.IOException {
        List<String> keys = new ArrayList<>();
        for (Path dataDir : dataDirs) {
            Path outbox = dataDir.resolve("outbox").resolve("insurance-claims");
            if (!java.nio.file.Files.isDirectory(outbox)) {
                continue;
            }
            try (var files = java.nio.file.Files.list(outbox)) {
                for (Path file : files.toList()) {
                    for (String line : java.nio.file.Files.readAllLines(file)) {
                        keys.add(JSON.readTree(line).path("key").asText());
                    }
                }
            }
        }
        return keys;
    }

    /** Event ids the CRM answered 200 to. */
    private static Set<String> delivered(WireMockServer crm) {
        return crm.getAllServeEvents().stream()
                .filter(e -> e.getResponse().getStatus() == 200)
                .map(e -> e.getRequest().getHeader("Idempotency-Key"))
                .collect(Collectors.toSet());
    }
}
