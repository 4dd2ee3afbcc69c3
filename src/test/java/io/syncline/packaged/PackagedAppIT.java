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

    /** Event ids the CRM answered 200 to. */
    private static Set<String> delivered(WireMockServer crm) {
        return crm.getAllServeEvents().stream()
                .filter(e -> e.getResponse().getStatus() == 200)
                .map(e -> e.getRequest().getHeader("Idempotency-Key"))
                .collect(Collectors.toSet());
    }
}
