package io.syncline.targets;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.syncline.support.Claims;
import io.syncline.support.HttpTargets;
import io.syncline.support.RiskFiles;
import io.syncline.support.SyncData;
import io.syncline.support.WireMockResource;

@QuarkusTest
@TestProfile(HttpTargets.class)
class HttpTargetTest {

    static final String CLAIMS = "insurance-claims";
    static final String CLAIMS_PATH = "/crm/claims";
    static final Duration WAIT = Duration.ofSeconds(30);
    static final ObjectMapper JSON = new ObjectMapper();

    WireMockServer crm;

    @BeforeEach
    void crmAcceptsByDefault() {
        crm = WireMockResource.server();
        crm.stubFor(post(urlEqualTo(CLAIMS_PATH)).atPriority(10).willReturn(aResponse().withStatus(200)));
        crm.stubFor(post(urlEqualTo("/crm/risk")).atPriority(10).willReturn(aResponse().withStatus(200)));
    }

    @Test
    void aClaimReachesTheTargetAsAnEnvelopeWithAnIdempotencyKey() throws Exception {
        String claim = Claims.newClaimNumber();
        String eventId = accept(claim);

        List<LoggedRequest> requests = await().atMost(WAIT).until(() -> requestsFor(claim), r -> r.size() == 1);
        LoggedRequest request = requests.get(0);
        assertEquals(eventId, request.getHeader("Idempotency-Key"));
        assertTrue(request.getHeader("Content-Type").startsWith("application/json"));
        JsonNode envelope = JSON.readTree(request.getBodyAsString());
        assertEquals(CLAIMS, envelope.path("flow").asText());
        assertEquals(claim, envelope.path("key").asText());
        assertEquals(eventId, envelope.path("eventId").asText());
        assertEquals("2026-11-27T09:14:00Z", envelope.path("sourceTimestamp").asText());
        assertTrue(envelope.hasNonNull("receivedAt"));
        assertEquals("AUT-4410023", envelope.path("record").path("policyNumber").asText());
    }

    @Test
    void textBeyondLatin1ReachesTheTargetAsUtf8() throws Exception {
        String claim = Claims.newClaimNumber();
        String name = "Łucja Żółć-Müller 王芳";
        given().contentType("application/json; charset=UTF-8")
                .body(Claims.valid(claim).replace("Jane Doe", name).getBytes(StandardCharsets.UTF_8))
                .post("/webhooks/" + CLAIMS).then().statusCode(202);

        LoggedRequest request = await().atMost(WAIT).until(() -> requestsFor(claim), r -> r.size() == 1).get(0);
        JsonNode envelope = JSON.readTree(new String(request.getBody(), StandardCharsets.UTF_8));
        assertEquals(name, envelope.path("record").path("claimant").path("name").asText());
    }

    @Test
    void aTargetAnswering503TwiceThen200GetsTheRecordOnce() {
        String claim = Claims.newClaimNumber();
        String scenario = "flaky-" + claim;
        crm.stubFor(post(urlEqualTo(CLAIMS_PATH)).withRequestBody(matchingJsonPath("$.key", equalTo(claim)))
                .inScenario(scenario).whenScenarioStateIs(STARTED).willSetStateTo("second")
                .willReturn(aResponse().withStatus(503)));
        crm.stubFor(post(urlEqualTo(CLAIMS_PATH)).withRequestBody(matchingJsonPath("$.key", equalTo(claim)))
                .inScenario(scenario).whenScenarioStateIs("second").willSetStateTo("third")
                .willReturn(aResponse().withStatus(503)));
        crm.stubFor(post(urlEqualTo(CLAIMS_PATH)).withRequestBody(matchingJsonPath("$.key", equalTo(claim)))
                .inScenario(scenario).whenScenarioStateIs("third").willSetStateTo("delivered")
                .willReturn(aResponse().withStatus(200)));
        accept(claim);

        await().atMost(WAIT).until(() -> "delivered".equals(crm.getAllScenarios().getScenarios().stream()
                .filter(s -> s.getName().equals(scenario)).findFirst().orElseThrow().getState()));
        // the same record each time, and never again once it was taken
        List<LoggedRequest> calls = requestsFor(claim);
        assertEquals(3, calls.size());
        assertEquals(1, calls.stream().map(r -> r.getHeader("Idempotency-Key")).distinct().count());
        assertTrue(SyncData.deadLetters(CLAIMS).stream().noneMatch(d -> claim.equals(d.path("key").asText())));
    }

    @Test
    void aTargetAnswering400GetsOneCallAndTheRecordIsDeadLettered() {
        String claim = Claims.newClaimNumber();
        crm.stubFor(post(urlEqualTo(CLAIMS_PATH)).withRequestBody(matchingJsonPath("$.key", equalTo(claim)))
                .willReturn(aResponse().withStatus(400).withBody("{\"error\":\"REQUIRED_FIELD_MISSING\"}")));
        String eventId = accept(claim);

        JsonNode letter = await().atMost(WAIT).until(() -> deadLetterFor(claim), l -> l != null);
        assertEquals("target-permanent", letter.path("category").asText());
        assertEquals(1, letter.path("attempts").asInt());
        assertEquals(eventId, letter.path("eventId").asText());
        assertEquals("webhook", letter.path("intake").asText());
        assertEquals("insurance-claims-worker", letter.path("route").asText());
        assertEquals(PermanentTargetException.class.getName(), letter.path("exceptionClass").asText());
        assertEquals("HTTP 400: {\"error\":\"REQUIRED_FIELD_MISSING\"}", letter.path("targetResponse").asText());
        assertTrue(letter.path("payload").asText().contains(claim), "the original payload is kept");
        assertEquals(1, requestsFor(claim).size());
    }

    @Test
    void aTargetThatStaysDownExhaustsTheRetriesIntoTheDeadLetters() {
        String claim = Claims.newClaimNumber();
        crm.stubFor(post(urlEqualTo(CLAIMS_PATH)).withRequestBody(matchingJsonPath("$.key", equalTo(claim)))
                .willReturn(aResponse().withStatus(502)));
        accept(claim);

        JsonNode letter = await().atMost(WAIT).until(() -> deadLetterFor(claim), l -> l != null);
        assertEquals("target-transient", letter.path("category").asText());
        // sync.retry.max-redeliveries=3 in this profile: the first try and three retries
        assertEquals(4, letter.path("attempts").asInt());
        assertEquals(4, requestsFor(claim).size());
        assertTrue(letter.path("firstFailureAt").asText().compareTo(letter.path("lastFailureAt").asText()) < 0);
    }

    @Test
    void aConnectionDroppedByTheTargetIsRetriedLikeAnyTransientFailure() {
        String claim = Claims.newClaimNumber();
        crm.stubFor(post(urlEqualTo(CLAIMS_PATH)).withRequestBody(matchingJsonPath("$.key", equalTo(claim)))
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        accept(claim);

        JsonNode letter = await().atMost(WAIT).until(() -> deadLetterFor(claim), l -> l != null);
        assertEquals("target-transient", letter.path("category").asText());
        assertEquals(4, letter.path("attempts").asInt());
        assertTrue(letter.path("payload").asText().contains(claim), "the original payload, not the last request");
    }

    @Test
    void retryAfterFromTheTargetSetsTheNextDelay() {
        String claim = Claims.newClaimNumber();
        String scenario = "throttled-" + claim;
        crm.stubFor(post(urlEqualTo(CLAIMS_PATH)).withRequestBody(matchingJsonPath("$.key", equalTo(claim)))
                .inScenario(scenario).whenScenarioStateIs(STARTED).willSetStateTo("waited")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2")));
        crm.stubFor(post(urlEqualTo(CLAIMS_PATH)).withRequestBody(matchingJsonPath("$.key", equalTo(claim)))
                .inScenario(scenario).whenScenarioStateIs("waited")
                .willReturn(aResponse().withStatus(200)));
        accept(claim);

        List<LoggedRequest> calls = await().atMost(WAIT).until(() -> requestsFor(claim), r -> r.size() == 2);
        long gapMillis = calls.get(1).getLoggedDate().getTime() - calls.get(0).getLoggedDate().getTime();
        // without Retry-After the first retry would come after 100 ms (sync.retry.initial-delay-ms in tests)
        assertThat(gapMillis, greaterThanOrEqualTo(1900L));
    }

    @Test
    void aFileIsPublishedInArrayChunksOfTheConfiguredSize() throws Exception {
        String prefix = RiskFiles.newPrefix();
        String name = "risk-" + prefix + ".csv";
        SyncData.drop("insurance-actuarial-risk", name, RiskFiles.csv(prefix, 120, Set.of()));

        JsonNode report = await().atMost(WAIT).until(() -> SyncData.report("insurance-actuarial-risk", name), r -> r.isPresent()).get();
        assertEquals(120, report.path("published").asLong());
        List<LoggedRequest> chunks = crm.findAll(postRequestedFor(urlEqualTo("/crm/risk"))).stream()
                .filter(r -> r.getBodyAsString().contains(prefix)).toList();
        List<Integer> sizes = chunks.stream().map(r -> {
            try {
                return JSON.readTree(r.getBodyAsString()).size();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).sorted((a, b) -> b - a).toList();
        assertThat(sizes, contains(50, 50, 20));
        assertEquals(3, chunks.stream().map(r -> r.getHeader("Idempotency-Key")).distinct().count());
    }

    @Test
    void aFileWhoseEveryTargetCallFailedIsAFailedRunNotACompletedOne() {
        String prefix = RiskFiles.newPrefix();
        String name = "rejected-" + prefix + ".csv";
        crm.stubFor(post(urlEqualTo("/crm/risk")).withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing(prefix))
                .atPriority(1).willReturn(aResponse().withStatus(400)));
        SyncData.drop("insurance-actuarial-risk", name, RiskFiles.csv(prefix, 60, Set.of()));

        JsonNode report = await().atMost(WAIT).until(() -> SyncData.report("insurance-actuarial-risk", name), r -> r.isPresent()).get();
        assertEquals("failed", report.path("status").asText());
        assertTrue(report.path("reason").asText().startsWith("no row was delivered"), report.toString());
        assertEquals(60, report.path("deadLettered").asLong());
        await().atMost(WAIT).until(() -> SyncData.storedIn("failed", "insurance-actuarial-risk", name));
    }

    @Test
    void aRowTheTargetRefusesIsDeadLetteredAloneAndTheRestOfItsChunkStillGoesThrough() {
        String prefix = RiskFiles.newPrefix();
        String name = "partly-refused-" + prefix + ".csv";
        // any request holding row 1 is refused: its chunk of 50 as a whole, then row 1 alone
        crm.stubFor(post(urlEqualTo("/crm/risk")).withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing(prefix + "00001"))
                .atPriority(1).willReturn(aResponse().withStatus(400).withBody("{\"error\":\"SEGMENT_CLOSED\"}")));
        SyncData.drop("insurance-actuarial-risk", name, RiskFiles.csv(prefix, 120, Set.of()));

        JsonNode report = await().atMost(WAIT).until(() -> SyncData.report("insurance-actuarial-risk", name), r -> r.isPresent()).get();
        assertEquals("completed", report.path("status").asText());
        assertEquals(119, report.path("published").asLong());
        assertEquals(1, report.path("deadLettered").asLong());
        await().atMost(WAIT).until(() -> SyncData.storedIn("archive", "insurance-actuarial-risk", name));
        JsonNode letter = SyncData.deadLetters("insurance-actuarial-risk").stream()
                .filter(d -> d.path("key").asText().startsWith(prefix)).findFirst().orElseThrow();
        assertEquals(prefix + "00001", letter.path("key").asText());
        assertEquals("target-permanent", letter.path("category").asText());
        assertEquals("HTTP 400: {\"error\":\"SEGMENT_CLOSED\"}", letter.path("targetResponse").asText());
    }

    @Test
    void whatTheTargetTookBeforeItWentDownForGoodIsCountedAndItsVersionsRemembered() {
        String prefix = RiskFiles.newPrefix();
        String name = "partly-delivered-" + prefix + ".csv";
        // the chunk as an array and row 1 alone are refused, so the rows go one by one: row 2 is taken, row 3 meets
        // a target that answers 503 until the retries are spent
        crm.stubFor(post(urlEqualTo("/crm/risk")).withRequestBody(containing(prefix + "00001"))
                .atPriority(1).willReturn(aResponse().withStatus(400).withBody("{\"error\":\"SEGMENT_CLOSED\"}")));
        crm.stubFor(post(urlEqualTo("/crm/risk")).withRequestBody(containing(prefix + "00003"))
                .atPriority(2).willReturn(aResponse().withStatus(503)));
        SyncData.drop("insurance-actuarial-risk", name, RiskFiles.csv(prefix, 3, Set.of()));

        JsonNode report = await().atMost(WAIT).until(() -> SyncData.report("insurance-actuarial-risk", name), r -> r.isPresent()).get();
        assertEquals(1, report.path("published").asLong(), report.toString());
        assertEquals(2, report.path("deadLettered").asLong(), report.toString());

        // an older version of row 2 comes later: the version the target took is the one to beat
        String older = prefix + "older.csv";
        SyncData.drop("insurance-actuarial-risk", older, (RiskFiles.HEADER + "\n" + RiskFiles.validRow(prefix + "00002", 2)
                .replace("2026-11-27T22:00:00Z", "2026-11-27T21:00:00Z") + "\n").getBytes(StandardCharsets.UTF_8));
        JsonNode second = await().atMost(WAIT).until(() -> SyncData.report("insurance-actuarial-risk", older), r -> r.isPresent()).get();
        assertEquals(1, second.path("staleSkipped").asLong(), second.toString());
        // the refused array, then row 2 alone; not the older version
        assertEquals(2, crm.findAll(postRequestedFor(urlEqualTo("/crm/risk")).withRequestBody(containing(prefix + "00002"))).size());
    }

    @Test
    void theNextChunkOfAFileGoesOutWhileTheTargetIsStillAnsweringTheOneBefore() {
        String prefix = RiskFiles.newPrefix();
        String name = "in-flight-" + prefix + ".csv";
        // the first chunk (rows 1-50) is answered after 3 s; with two chunks in flight the second is sent meanwhile
        crm.stubFor(post(urlEqualTo("/crm/risk")).withRequestBody(containing(prefix + "00001"))
                .atPriority(1).willReturn(aResponse().withStatus(200).withFixedDelay(3000)));
        SyncData.drop("insurance-actuarial-risk", name, RiskFiles.csv(prefix, 150, Set.of()));

        JsonNode report = await().atMost(WAIT).until(() -> SyncData.report("insurance-actuarial-risk", name), r -> r.isPresent()).get();
        assertEquals("completed", report.path("status").asText());
        assertEquals(150, report.path("published").asLong());
        long first = riskRequest(prefix + "00001").getLoggedDate().getTime();
        long second = riskRequest(prefix + "00051").getLoggedDate().getTime();
        assertThat("the second chunk was sent only after the first one's answer", second - first, lessThan(3000L));
    }

    @Test
    void twoVersionsOfOneKeyInConsecutiveChunksReachTheTargetInFileOrder() {
        String prefix = RiskFiles.newPrefix();
        String name = "versions-" + prefix + ".csv";
        String newerLater = prefix + "NEWER-LATER";
        String olderLater = prefix + "OLDER-LATER";
        String earlier = "2026-11-27T21:00:00Z";
        String later = "2026-11-27T23:00:00Z";
        StringBuilder csv = new StringBuilder(RiskFiles.HEADER).append('\n');
        for (int i = 1; i <= 100; i++) {
            String row = RiskFiles.validRow(prefix + String.format("%05d", i), i);
            // chunk 1 (rows 1-50) and chunk 2 (rows 51-100) both hold the two keys
            if (i == 10 || i == 60) {
                row = RiskFiles.validRow(newerLater, i).replace("2026-11-27T22:00:00Z", i == 10 ? earlier : later);
            } else if (i == 20 || i == 70) {
                row = RiskFiles.validRow(olderLater, i).replace("2026-11-27T22:00:00Z", i == 20 ? later : earlier);
            }
            csv.append(row).append('\n');
        }
        // the first chunk is answered after 2 s: a second chunk that did not wait for its keys would overtake it
        crm.stubFor(post(urlEqualTo("/crm/risk")).withRequestBody(containing(prefix + "00001"))
                .atPriority(1).willReturn(aResponse().withStatus(200).withFixedDelay(2000)));
        SyncData.drop("insurance-actuarial-risk", name, csv.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));

        JsonNode report = await().atMost(WAIT).until(() -> SyncData.report("insurance-actuarial-risk", name), r -> r.isPresent()).get();
        assertEquals("completed", report.path("status").asText());
        assertEquals(99, report.path("published").asLong(), report.toString());
        assertEquals(1, report.path("staleSkipped").asLong(), "the older version later in the file is stale");
        LoggedRequest first = riskRequest(prefix + "00001");
        LoggedRequest second = riskRequest(prefix + "00051");
        assertThat("the newer version went out before the older one was answered",
                second.getLoggedDate().getTime() - first.getLoggedDate().getTime(), greaterThanOrEqualTo(2000L));
        assertEquals(List.of(earlier, later), versionsSent(prefix, newerLater));
        assertEquals(List.of(later), versionsSent(prefix, olderLater));
    }

    private LoggedRequest riskRequest(String row) {
        List<LoggedRequest> requests = crm.findAll(postRequestedFor(urlEqualTo("/crm/risk")).withRequestBody(containing(row)));
        assertEquals(1, requests.size(), "requests holding " + row);
        return requests.get(0);
    }

    /** The source timestamps of a key's records in the order the target received them. */
    private List<String> versionsSent(String prefix, String key) {
        return crm.findAll(postRequestedFor(urlEqualTo("/crm/risk")).withRequestBody(containing(prefix))).stream()
                .sorted(java.util.Comparator.comparing(LoggedRequest::getLoggedDate))
                .flatMap(request -> {
                    try {
                        return java.util.stream.StreamSupport.stream(JSON.readTree(request.getBodyAsString()).spliterator(), false);
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                })
                .filter(envelope -> key.equals(envelope.path("key").asText()))
                .map(envelope -> envelope.path("sourceTimestamp").asText())
                .toList();
    }

    private String accept(String claim) {
        return given().contentType("application/json").body(Claims.valid(claim))
                .post("/webhooks/" + CLAIMS).then().statusCode(202).extract().path("eventId");
    }

    private List<LoggedRequest> requestsFor(String claim) {
        return crm.findAll(postRequestedFor(urlEqualTo(CLAIMS_PATH)).withRequestBody(matchingJsonPath("$.key", equalTo(claim))));
    }

    private static JsonNode deadLetterFor(String claim) {
        return SyncData.deadLetters(CLAIMS).stream().filter(d -> claim.equals(d.path("key").asText())).findFirst().orElse(null);
    }
}
