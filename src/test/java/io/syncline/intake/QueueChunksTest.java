package io.syncline.intake;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.syncline.support.Claims;
import io.syncline.support.DataDirResource;
import io.syncline.support.SyncData;
import io.syncline.support.WireMockResource;

/**
 * Queued real-time records are delivered in chunks: many claims in one transaction and one request (a JSON array),
 * a claim that arrives alone at once, and a failure of one record costs that record only.
 */
@QuarkusTest
@TestProfile(QueueChunksTest.ChunksOfFifty.class)
class QueueChunksTest {

    /** Chunks of 50 that would wait a minute to fill: a test that waited for a chunk to fill would time out. */
    public static class ChunksOfFifty implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sync.flows.insurance-claims.target.kind", "http",
                    "sync.flows.insurance-claims.webhook.open", "true",
                    "sync.flows.insurance-claims.batch.max-records", "50",
                    "sync.flows.insurance-claims.batch.max-wait", "60s",
                    "sync.retry.max-redeliveries", "3",
                    "sync.retry.initial-delay-ms", "100");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(DataDirResource.class, Map.of("name", "queue-chunks")),
                    new TestResourceEntry(WireMockResource.class, Map.of("sync.flows.insurance-claims.target.url", PATH)));
        }
    }

    static final String FLOW = "insurance-claims";
    static final String PATH = "/crm/claims";
    static final Duration WAIT = Duration.ofSeconds(30);
    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    CamelContext camel;

    WireMockServer crm;

    @BeforeEach
    void crmAccepts() {
        crm = WireMockResource.server();
        crm.resetAll();
        crm.stubFor(post(urlEqualTo(PATH)).atPriority(10).willReturn(aResponse().withStatus(200)));
    }

    @Test
    void aBacklogIsDeliveredInChunksOneArrayPerChunk() throws Exception {
        List<String> claims = backlog(150);

        await().atMost(WAIT).until(() -> delivered().keySet().containsAll(claims));
        List<JsonNode> requests = requests();
        assertEquals(3, requests.size(), "150 claims, chunks of 50: three requests");
        assertTrue(requests.stream().allMatch(r -> r.isArray() && r.size() == 50), "each request an array of 50");
        assertTrue(claims.stream().allMatch(c -> delivered().get(c) == 1), "each claim once");
    }

    @Test
    void aClaimThatArrivesAloneIsDeliveredAtOnceNotWhenAChunkWouldBeFull() throws Exception {
        String claim = Claims.newClaimNumber();
        given().contentType("application/json").body(Claims.valid(claim)).post("/webhooks/" + FLOW).then().statusCode(202);

        // max-wait is a minute: the claim arrives well before that only because a record alone does not wait
        await().atMost(Duration.ofSeconds(20)).until(() -> delivered().containsKey(claim));
        JsonNode request = requests().get(0);
        assertTrue(request.isArray() && request.size() == 1, "an array of one: " + request);
    }

    @Test
    void aClaimTheTargetRefusesIsDeadLetteredAloneAndTheRestOfItsChunkIsDelivered() throws Exception {
        List<String> claims = new ArrayList<>();
        String refused = Claims.newClaimNumber();
        crm.stubFor(post(urlEqualTo(PATH)).withRequestBody(containing("\"key\":\"" + refused + "\"")).atPriority(1)
                .willReturn(aResponse().withStatus(422).withBody("{\"error\":\"POLICY_NOT_FOUND\"}")));
        camel.getRouteController().suspendRoute(FLOW + "-worker");
        try {
            for (int i = 0; i < 50; i++) {
                String claim = i == 17 ? refused : Claims.newClaimNumber();
                claims.add(claim);
            }
            Claims.postAll(FLOW, claims.stream().map(Claims::valid).toList());
        } finally {
            camel.getRouteController().resumeRoute(FLOW + "-worker");
        }

        JsonNode letter = await().atMost(WAIT).until(() -> deadLetterOf(refused), l -> l != null);
        assertEquals("target-permanent", letter.path("category").asText());
        assertTrue(letter.path("targetResponse").asText().contains("POLICY_NOT_FOUND"), letter.toString());
        await().atMost(WAIT).until(() -> delivered().keySet().containsAll(claims.stream().filter(c -> !c.equals(refused)).toList()));
        assertEquals(1, SyncData.deadLetters(FLOW).stream().filter(d -> claims.contains(d.path("key").asText())).count(),
                "only the refused claim is a dead letter");
    }

    @Test
    void aChunkTheTargetCouldNotTakeForAMomentIsSentAgainWhole() throws Exception {
        crm.stubFor(post(urlEqualTo(PATH)).inScenario("flaky").whenScenarioStateIs(STARTED).willSetStateTo("up")
                .atPriority(1).willReturn(aResponse().withStatus(503)));
        List<String> claims = backlog(50);

        await().atMost(WAIT).until(() -> delivered().keySet().containsAll(claims));
        assertEquals(2, crm.getAllServeEvents().size(), "the chunk refused once with 503, then taken");
        assertTrue(SyncData.deadLetters(FLOW).stream().noneMatch(d -> claims.contains(d.path("key").asText())));
    }

    /** Claims accepted while the worker is held, so that they wait in the queue together. */
    private List<String> backlog(int count) throws Exception {
        List<String> claims = new ArrayList<>();
        camel.getRouteController().suspendRoute(FLOW + "-worker");
        try {
            for (int i = 0; i < count; i++) {
                claims.add(Claims.newClaimNumber());
            }
            Claims.postAll(FLOW, claims.stream().map(Claims::valid).toList());
        } finally {
            camel.getRouteController().resumeRoute(FLOW + "-worker");
        }
        return claims;
    }

    /** The bodies the target answered 200 to. */
    private List<JsonNode> requests() {
        return crm.getAllServeEvents().stream().filter(e -> e.getResponse().getStatus() == 200)
                .map(ServeEvent::getRequest).map(r -> readTree(r.getBodyAsString())).toList();
    }

    /** How often each claim reached the target in an answered request. */
    private Map<String, Integer> delivered() {
        return requests().stream().flatMap(body -> body.findValuesAsText("key").stream())
                .collect(Collectors.toMap(k -> k, k -> 1, Integer::sum));
    }

    private static JsonNode deadLetterOf(String claim) {
        return SyncData.deadLetters(FLOW).stream().filter(d -> claim.equals(d.path("key").asText())).findFirst().orElse(null);
    }

    private static JsonNode readTree(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
