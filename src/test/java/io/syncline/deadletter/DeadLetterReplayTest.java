package io.syncline.deadletter;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Queue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.syncline.support.Claims;
import io.syncline.support.DataDirResource;
import io.syncline.support.SyncData;
import io.syncline.support.Users;
import io.syncline.support.WireMockResource;

/** A CRM that rejects a field, is fixed, and the dead letters are replayed. */
@QuarkusTest
@TestProfile(DeadLetterReplayTest.RejectingCrm.class)
class DeadLetterReplayTest {

    public static class RejectingCrm implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sync.flows.insurance-claims.target.kind", "http",
                    "sync.flows.insurance-claims.webhook.open", "true",
                    "sync.dead-letters.max-replays", "2",
                    "sync.broker.max-delivery-attempts", "2",
                    "sync.broker.redelivery-delay", "0s",
                    "sync.retry.max-redeliveries", "1");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(DataDirResource.class, Map.of("name", "replay")),
                    new TestResourceEntry(WireMockResource.class, Map.of("sync.flows.insurance-claims.target.url", "/crm/claims")));
        }
    }

    static final String FLOW = "insurance-claims";
    static final String PATH = "/crm/claims";
    static final Duration WAIT = Duration.ofSeconds(30);

    WireMockServer crm;

    @Inject
    ConnectionFactory connectionFactory;

    @BeforeEach
    void crmAcceptsByDefault() {
        crm = WireMockResource.server();
        crm.stubFor(post(urlEqualTo(PATH)).atPriority(10).willReturn(aResponse().withStatus(200)));
    }

    @Test
    void aRecordRejectedByTheTargetIsDeliveredByReplayOnceTheTargetIsFixed() {
        String claim = rejectedClaim();
        JsonNode letter = awaitLetter(claim);
        given().queryParam("flow", FLOW).queryParam("category", "target-permanent").queryParam("limit", 1000)
                .get("/api/dead-letters").then().statusCode(200)
                .body("items.find { it.key == '" + claim + "' }.id", is(letter.path("id").asText()));
        given().queryParam("flow", FLOW).queryParam("category", "validation")
                .get("/api/dead-letters").then().statusCode(200)
                .body("items.find { it.key == '" + claim + "' }", org.hamcrest.Matchers.nullValue());
        given().queryParam("since", Instant.now().plusSeconds(3600).toString())
                .get("/api/dead-letters").then().statusCode(200).body("count", is(0));

        accept(claim); // the CRM's field validation is fixed
        given().post("/api/dead-letters/" + letter.path("id").asText() + "/replay").then().statusCode(200)
                .body("outcome", is("delivered"));
        given().get("/api/dead-letters/" + letter.path("id").asText()).then().statusCode(404);
        assertEquals(1, delivered(claim));
    }

    @Test
    void bulkReplayReportsWhatWasReplayedDeliveredAndFailedAgain() {
        String a = rejectedClaim();
        String b = rejectedClaim();
        String c = rejectedClaim();
        awaitLetter(a);
        awaitLetter(b);
        awaitLetter(c);
        accept(a);
        accept(b);

        JsonNode outcome = JsonBody.of(given().queryParam("flow", FLOW).queryParam("category", "target-permanent")
                .post("/api/dead-letters/replay").then().statusCode(200).extract().asString());
        assertTrue(outcome.path("replayed").asInt() >= 3);
        List<String> deliveredNow = outcome.path("items").findValuesAsText("outcome");
        assertTrue(deliveredNow.contains("delivered"));
        assertEquals(1, delivered(a));
        assertEquals(1, delivered(b));
        // c still fails: it is a dead letter again, one replay further
        JsonNode again = awaitLetter(c);
        assertEquals(1, again.path("replayCount").asInt());
        assertTrue(outcome.path("failedAgain").asInt() >= 1);
    }

    @Test
    void aRecordThatKeepsFailingIsReplayedOnlyUpToTheLimitAndThenStaysWithTheReason() {
        String claim = rejectedClaim();
        for (int replay = 1; replay <= 2; replay++) {
            String id = awaitLetter(claim).path("id").asText();
            given().post("/api/dead-letters/" + id + "/replay").then().statusCode(200).body("outcome", is("failed-again"));
            int expected = replay;
            await().atMost(WAIT).until(() -> letterOf(claim) != null && letterOf(claim).path("replayCount").asInt() == expected);
        }
        String id = letterOf(claim).path("id").asText();
        given().post("/api/dead-letters/" + id + "/replay").then().statusCode(409)
                .body("outcome", is("refused"))
                .body("detail", org.hamcrest.Matchers.containsString("sync.dead-letters.max-replays=2"));
        given().get("/api/dead-letters/" + id).then().statusCode(200).body("replayCount", is(2));
        assertEquals(0, delivered(claim));
    }

    @Test
    void replayingARecordThatWasMeanwhileDeliveredDoesNotDeliverItTwice() {
        String claim = rejectedClaim();
        String id = awaitLetter(claim).path("id").asText();
        accept(claim);
        // the claims system sends the same claim again, and this time it goes through
        given().contentType("application/json").body(Claims.valid(claim)).post("/webhooks/" + FLOW).then().statusCode(202);
        await().atMost(WAIT).until(() -> delivered(claim) == 1);

        given().post("/api/dead-letters/" + id + "/replay").then().statusCode(200)
                .body("outcome", is("already-delivered"));
        assertEquals(1, delivered(claim));
        given().get("/api/dead-letters/" + id).then().statusCode(404);
    }

    @Test
    void theListingMasksPersonalDataAndTheSingleDeadLetterKeepsTheRecordAsReceived() throws Exception {
        String claim = rejectedClaim();
        JsonNode listed = awaitLetter(claim);
        JsonNode payload = new com.fasterxml.jackson.databind.ObjectMapper().readTree(listed.path("payload").asText());
        assertEquals(claim, payload.path("claimNumber").asText());
        assertEquals("***", payload.path("claimant").path("name").asText());
        assertEquals("***", payload.path("claimant").path("email").asText());
        JsonNode single = JsonBody.of(given().get("/api/dead-letters/" + listed.path("id").asText()).then().statusCode(200)
                .extract().asString());
        assertTrue(single.path("payload").asText().contains("Jane Doe"));
        // the record as received is for an operator; a viewer asking for that one record sees it masked
        JsonNode asViewer = JsonBody.of(Users.asViewer().get("/api/dead-letters/" + listed.path("id").asText()).then()
                .statusCode(200).extract().asString());
        assertEquals("***", new com.fasterxml.jackson.databind.ObjectMapper().readTree(asViewer.path("payload").asText())
                .path("claimant").path("name").asText());
    }

    @Test
    void personalDataTheTargetQuotesInItsAnswerIsMaskedInTheListingToo() {
        String claim = Claims.newClaimNumber();
        crm.stubFor(post(urlEqualTo(PATH)).withRequestBody(matchingJsonPath("$.key", equalTo(claim))).atPriority(1)
                .willReturn(aResponse().withStatus(422).withBody("{\"error\":\"INVALID_EMAIL_ADDRESS: jane@example.com for Jane Doe\"}")));
        given().contentType("application/json").body(Claims.valid(claim)).post("/webhooks/" + FLOW).then().statusCode(202);
        JsonNode listed = awaitLetter(claim);
        assertTrue(listed.path("targetResponse").asText().contains("INVALID_EMAIL_ADDRESS: *** for ***"),
                listed.path("targetResponse").asText());
        // the operator asking for that one record sees what the target said
        given().get("/api/dead-letters/" + listed.path("id").asText()).then().statusCode(200)
                .body("targetResponse", org.hamcrest.Matchers.containsString("jane@example.com"));
    }

    @Test
    void aViewerCannotReplayOrDeleteADeadLetter() {
        String claim = rejectedClaim();
        String id = awaitLetter(claim).path("id").asText();
        accept(claim);
        Users.asViewer().post("/api/dead-letters/" + id + "/replay").then().statusCode(403);
        Users.asViewer().post("/api/dead-letters/replay?flow=" + FLOW).then().statusCode(403);
        Users.asViewer().delete("/api/dead-letters/" + id).then().statusCode(403);
        Users.asViewer().get("/api/dead-letters/" + id).then().statusCode(200);
        assertEquals(0, delivered(claim));
    }

    @Test
    void aDeadLetterCanBeDeleted() {
        String claim = rejectedClaim();
        String id = awaitLetter(claim).path("id").asText();
        given().delete("/api/dead-letters/" + id).then().statusCode(204);
        given().get("/api/dead-letters/" + id).then().statusCode(404);
        given().delete("/api/dead-letters/" + id).then().statusCode(404);
    }

    @Test
    void aMessageTheBrokerMovedAfterItsDeliveryAttemptsCanBeReadReplayedAndDeleted() throws Exception {
        String replayed = Claims.newClaimNumber();
        String deleted = Claims.newClaimNumber();
        // a consumer that keeps rolling back (here: the test's, while the flow's own worker is paused) exhausts the
        // queue's delivery attempts, and the broker itself moves the message to the dead letters
        given().post("/api/flows/" + FLOW + "/pause").then().statusCode(200);
        try (JMSContext context = connectionFactory.createContext(JMSContext.SESSION_TRANSACTED)) {
            Queue queue = context.createQueue("sync." + FLOW + ".in");
            context.createProducer().send(queue, Claims.valid(replayed));
            context.createProducer().send(queue, Claims.valid(deleted));
            context.commit();
            try (JMSConsumer consumer = context.createConsumer(queue)) {
                for (int attempt = 0; attempt < 10 && consumer.receive(3000) != null; attempt++) {
                    context.rollback();
                }
            }
        } finally {
            given().post("/api/flows/" + FLOW + "/resume").then().statusCode(200);
        }
        accept(replayed);

        JsonNode moved = await().atMost(WAIT).until(() -> movedLetterOf(replayed), l -> l != null);
        assertEquals("delivery-attempts-exhausted", moved.path("category").asText());
        assertTrue(moved.path("id").asText().startsWith("ID:"), moved.path("id").asText());
        assertEquals(2, given().queryParam("flow", FLOW).queryParam("category", "delivery-attempts-exhausted")
                .get("/api/dead-letters").then().statusCode(200).extract().<Integer>path("count"));
        given().get("/api/dead-letters/" + moved.path("id").asText()).then().statusCode(200)
                .body("payload", org.hamcrest.Matchers.containsString(replayed));
        given().post("/api/dead-letters/" + moved.path("id").asText() + "/replay").then().statusCode(200)
                .body("outcome", is("delivered"));
        assertEquals(1, delivered(replayed));
        given().get("/api/dead-letters/" + moved.path("id").asText()).then().statusCode(404);

        String other = await().atMost(WAIT).until(() -> movedLetterOf(deleted), l -> l != null).path("id").asText();
        given().delete("/api/dead-letters/" + other).then().statusCode(204);
        given().get("/api/dead-letters/" + other).then().statusCode(404);
    }

    private String rejectedClaim() {
        String claim = Claims.newClaimNumber();
        crm.stubFor(post(urlEqualTo(PATH)).withRequestBody(matchingJsonPath("$.key", equalTo(claim))).atPriority(1)
                .willReturn(aResponse().withStatus(422).withBody("{\"error\":\"FIELD_CUSTOM_VALIDATION_EXCEPTION\"}")));
        given().contentType("application/json").body(Claims.valid(claim)).post("/webhooks/" + FLOW).then().statusCode(202);
        return claim;
    }

    private void accept(String claim) {
        crm.stubFor(post(urlEqualTo(PATH)).withRequestBody(matchingJsonPath("$.key", equalTo(claim))).atPriority(1)
                .willReturn(aResponse().withStatus(200)));
    }

    private long delivered(String claim) {
        return crm.getAllServeEvents().stream()
                .filter(e -> e.getResponse().getStatus() == 200 && e.getRequest().getBodyAsString().contains("\"key\":\"" + claim + "\""))
                .count();
    }

    private static JsonNode awaitLetter(String claim) {
        return await().atMost(WAIT).until(() -> letterOf(claim), l -> l != null);
    }

    /** The broker knows no key: a letter it moved is found by what its payload holds. */
    private static JsonNode movedLetterOf(String claim) {
        return SyncData.deadLetters(FLOW).stream().filter(d -> d.path("payload").asText().contains(claim)).findFirst().orElse(null);
    }

    private static JsonNode letterOf(String claim) {
        return SyncData.deadLetters(FLOW).stream().filter(d -> claim.equals(d.path("key").asText())).findFirst().orElse(null);
    }

    static final class JsonBody {
        static JsonNode of(String body) {
            try {
                return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }
}
