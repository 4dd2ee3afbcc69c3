package io.syncline.intake;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.syncline.support.Claims;
import io.syncline.support.EmbeddedDefaults;
import io.syncline.support.SyncData;

@QuarkusTest
@TestProfile(EmbeddedDefaults.class)
class WebhookIntakeTest {

    static final String FLOW = "insurance-claims";

    @Test
    void aValidClaimIsAcceptedAndLandsInTheOutboxAsAnEnvelope() {
        String claimNumber = Claims.newClaimNumber();
        String eventId = given().contentType("application/json").body(Claims.valid(claimNumber))
                .post("/webhooks/" + FLOW)
                .then().statusCode(202)
                .body("flow", equalTo(FLOW))
                .body("status", equalTo("accepted"))
                .body("eventId", notNullValue())
                .extract().path("eventId");

        JsonNode envelope = await().atMost(Duration.ofSeconds(20))
                .until(() -> SyncData.outboxWithKeyPrefix(FLOW, claimNumber), list -> list.size() == 1).get(0);
        assertEquals(FLOW, envelope.path("flow").asText());
        assertEquals(eventId, envelope.path("eventId").asText());
        assertEquals("2026-11-27T09:14:00Z", envelope.path("sourceTimestamp").asText());
        assertTrue(envelope.hasNonNull("receivedAt"));
        assertEquals(claimNumber, envelope.path("record").path("claimNumber").asText());
        // money passes through exactly as sent
        assertEquals("4820.50", envelope.path("record").path("claimedAmount").decimalValue().toPlainString());
    }

    @Test
    void anInvalidClaimIsAnsweredWithEveryFieldErrorAndNothingIsPublished() {
        String marker = "ZZZ-" + System.nanoTime() % 1_000_000_000L;
        given().contentType("application/json")
                .body("""
                        {"claimNumber":"42","policyNumber":"%s","lossDate":"last tuesday","reportedAt":"2026-11-27T09:14:00Z",
                         "lossType":"meteor","claimedAmount":"a lot","currency":"euro","claimant":{}}
                        """.formatted(marker))
                .post("/webhooks/" + FLOW)
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:syncline:problem:invalid-record"))
                .body("status", equalTo(400))
                .body("errors.pointer", contains("/claimNumber", "/claimant/name", "/claimedAmount", "/currency",
                        "/lossDate", "/lossType"));

        // A valid claim sent after it arrives; the invalid one, had it been enqueued, would have arrived first.
        String after = Claims.newClaimNumber();
        given().contentType("application/json").body(Claims.valid(after)).post("/webhooks/" + FLOW).then().statusCode(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> SyncData.outboxWithKeyPrefix(FLOW, after).size() == 1);
        assertTrue(SyncData.outbox(FLOW).stream().noneMatch(e -> e.path("record").path("policyNumber").asText().equals(marker)));
        assertTrue(SyncData.deadLetters(FLOW).stream().noneMatch(d -> d.path("payload").asText().contains(marker)));
    }

    @Test
    void aBodyThatIsNotJsonIsUnsupportedMediaType() {
        given().contentType("text/plain").body("claim CLM-1 please")
                .post("/webhooks/" + FLOW)
                .then().statusCode(415)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:syncline:problem:unsupported-media-type"));
    }

    @Test
    void malformedJsonIsABadRequestThatSaysWhere() {
        given().contentType("application/json").body("{\"claimNumber\": \"CLM-1234\",")
                .post("/webhooks/" + FLOW)
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:syncline:problem:malformed-json"))
                .body("detail", startsWith("Unexpected end-of-input"));
    }

    @Test
    void aJsonArrayIsNotARecord() {
        given().contentType("application/json").body("[" + Claims.valid(Claims.newClaimNumber()) + "]")
                .post("/webhooks/" + FLOW)
                .then().statusCode(400)
                .body("type", equalTo("urn:syncline:problem:malformed-json"));
    }

    @Test
    void aBodyOverTheLimitIsTooLarge() {
        String oversized = "{\"description\":\"" + "x".repeat(1024 * 1024) + "\"}";
        given().contentType("application/json").body(oversized)
                .post("/webhooks/" + FLOW)
                .then().statusCode(413)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:syncline:problem:payload-too-large"));
    }

    @Test
    void anUnknownFlowIsNotFound() {
        given().contentType("application/json").body(Claims.valid(Claims.newClaimNumber()))
                .post("/webhooks/insurance-unicorns")
                .then().statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:syncline:problem:unknown-flow"));
    }

    @Test
    void aWebhookTakesOnlyPost() {
        given().get("/webhooks/" + FLOW).then().statusCode(405).header("Allow", "POST");
    }

    @Test
    void manyClaimsAtOnceAreAllDeliveredExactlyOnce() {
        List<String> numbers = java.util.stream.IntStream.range(0, 40).mapToObj(i -> Claims.newClaimNumber()).toList();
        numbers.parallelStream().forEach(n -> given().contentType("application/json").body(Claims.valid(n))
                .post("/webhooks/" + FLOW).then().statusCode(202));
        await().atMost(Duration.ofSeconds(30)).until(
                () -> SyncData.outbox(FLOW).stream().filter(e -> numbers.contains(e.path("key").asText())).count() == numbers.size());
        List<String> delivered = SyncData.outbox(FLOW).stream().map(e -> e.path("key").asText()).filter(numbers::contains).toList();
        org.hamcrest.MatcherAssert.assertThat(delivered, hasSize(numbers.size()));
    }
}
