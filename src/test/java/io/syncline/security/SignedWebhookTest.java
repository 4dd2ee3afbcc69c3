package io.syncline.security;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.syncline.support.Claims;
import io.syncline.support.DataDirResource;
import io.syncline.support.SyncData;

/** insurance-claims requires a signature (two secrets: a rotation in progress); renewals does not. */
@QuarkusTest
@TestProfile(SignedWebhookTest.Secrets.class)
class SignedWebhookTest {

    static final String CURRENT = "whsec-current-7f3a";
    static final String PREVIOUS = "whsec-previous-91bc";

    public static class Secrets implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sync.flows.insurance-claims.webhook.secret", CURRENT + "," + PREVIOUS);
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(DataDirResource.class, Map.of("name", "signed")));
        }
    }

    static final String FLOW = "insurance-claims";

    @Test
    void aCorrectlySignedClaimIsAcceptedWithEitherSecretOfTheRotation() {
        for (String secret : List.of(CURRENT, PREVIOUS)) {
            String claim = Claims.newClaimNumber();
            byte[] body = Claims.valid(claim).getBytes(StandardCharsets.UTF_8);
            given().contentType("application/json").header("X-Syncline-Signature", signature(Instant.now(), body, secret))
                    .body(body).post("/webhooks/" + FLOW).then().statusCode(202);
            await().atMost(Duration.ofSeconds(20)).until(() -> SyncData.outboxWithKeyPrefix(FLOW, claim).size() == 1);
        }
        // a sender signing with a secret we no longer have and with the current one
        byte[] body = Claims.valid(Claims.newClaimNumber()).getBytes(StandardCharsets.UTF_8);
        long now = Instant.now().getEpochSecond();
        given().contentType("application/json").header("X-Syncline-Signature", WebhookSignature.header(now, body, "retired", CURRENT))
                .body(body).post("/webhooks/" + FLOW).then().statusCode(202);
    }

    @Test
    void aMissingWrongExpiredOrTamperedSignatureIs401AndNothingIsEnqueued() {
        String claim = Claims.newClaimNumber();
        byte[] body = Claims.valid(claim).getBytes(StandardCharsets.UTF_8);
        given().contentType("application/json").body(body).post("/webhooks/" + FLOW).then().statusCode(401)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:syncline:problem:invalid-signature"))
                .body("detail", equalTo("missing X-Syncline-Signature header"));
        given().contentType("application/json").header("X-Syncline-Signature", signature(Instant.now(), body, "guessed"))
                .body(body).post("/webhooks/" + FLOW).then().statusCode(401).body("detail", equalTo("signature does not match"));
        given().contentType("application/json").header("X-Syncline-Signature", signature(Instant.now().minusSeconds(301), body, CURRENT))
                .body(body).post("/webhooks/" + FLOW).then().statusCode(401)
                .body("detail", equalTo("signature timestamp outside the tolerance of 300 s"));
        byte[] tampered = Claims.valid(claim).replace("4820.50", "48200.50").getBytes(StandardCharsets.UTF_8);
        given().contentType("application/json").header("X-Syncline-Signature", signature(Instant.now(), body, CURRENT))
                .body(tampered).post("/webhooks/" + FLOW).then().statusCode(401);
        given().contentType("application/json").header("X-Syncline-Signature", "t=abc,v1=zz")
                .body(body).post("/webhooks/" + FLOW).then().statusCode(401);

        // proof that none of them was enqueued: a valid claim sent after them arrives, they never do
        String after = Claims.newClaimNumber();
        byte[] valid = Claims.valid(after).getBytes(StandardCharsets.UTF_8);
        given().contentType("application/json").header("X-Syncline-Signature", signature(Instant.now(), valid, CURRENT))
                .body(valid).post("/webhooks/" + FLOW).then().statusCode(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> SyncData.outboxWithKeyPrefix(FLOW, after).size() == 1);
        assertEquals(0, SyncData.outboxWithKeyPrefix(FLOW, claim).size());
    }

    /** The contract says which flow needs a signature, and never shows a secret. */
    @Test
    void theOpenApiDocumentSaysTheSignatureIsRequiredWhereASecretIsSet() {
        JsonPath document = given().auth().none().queryParam("format", "json").get("/q/openapi")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(true), signatureRequired(document, FLOW));
        assertEquals(List.of(false), signatureRequired(document, "insurance-policy-renewals"));
        String text = document.prettify();
        assertFalse(text.contains(CURRENT) || text.contains(PREVIOUS), "a webhook secret is in the document");
    }

    private static List<Boolean> signatureRequired(JsonPath document, String flow) {
        return document.getList("paths.'/webhooks/" + flow + "'.post.parameters.findAll { it.name == 'X-Syncline-Signature' }.required",
                Boolean.class);
    }

    @Test
    void aRepeatWithTheSameIdempotencyKeyIsAnswered202WithTheFirstEventIdAndEnqueuedOnce() {
        String flow = "insurance-policy-renewals";
        String body = io.syncline.support.Examples.text(flow, "valid.json");
        String key = "renewal-" + System.nanoTime();
        String first = given().contentType("application/json").header("Idempotency-Key", key).body(body)
                .post("/webhooks/" + flow).then().statusCode(202).extract().path("eventId");
        String second = given().contentType("application/json").header("Idempotency-Key", key).body(body)
                .post("/webhooks/" + flow).then().statusCode(202).extract().path("eventId");
        assertEquals(first, second);
        String third = given().contentType("application/json").header("Idempotency-Key", key + "-other").body(body)
                .post("/webhooks/" + flow).then().statusCode(202).extract().path("eventId");
        assertNotEquals(first, third);

        await().atMost(Duration.ofSeconds(20)).until(() -> SyncData.outbox(flow).stream()
                .anyMatch(e -> e.path("eventId").asText().equals(third)));
        assertEquals(1, SyncData.outbox(flow).stream().filter(e -> e.path("eventId").asText().equals(first)).count());
    }

    @Test
    void anOutOfRangeOrMalformedSignatureIs401WithAProblemAndNothingOfTheRequestIsEchoed() {
        byte[] body = Claims.valid(Claims.newClaimNumber()).getBytes(StandardCharsets.UTF_8);
        for (String header : List.of("t=9223372036854775807,v1=00", "t=-1,v1=00", "t=99999999999999999999,v1=00",
                "t=1700000000,v1=not-hex", "v1=00")) {
            io.restassured.response.Response answer = given().contentType("application/json")
                    .header("X-Syncline-Signature", header).header("X-Probe", "reflected")
                    .queryParam("Set-Cookie", "pwn=1").queryParam("X-Frame-Options", "ALLOWALL")
                    .body(body).post("/webhooks/" + FLOW);
            assertEquals(401, answer.statusCode(), header + ": " + answer.asString());
            assertEquals("application/problem+json", answer.contentType());
            assertEquals("urn:syncline:problem:invalid-signature", answer.jsonPath().getString("type"));
            assertOnlyOwnHeaders(answer);
        }
    }

    @Test
    void aSignatureOrAnIdempotencyKeyInTheQueryStringIsNotAHeader() {
        byte[] body = Claims.valid(Claims.newClaimNumber()).getBytes(StandardCharsets.UTF_8);
        given().contentType("application/json").queryParam("X-Syncline-Signature", signature(Instant.now(), body, CURRENT))
                .body(body).post("/webhooks/" + FLOW).then().statusCode(401)
                .body("detail", equalTo("missing X-Syncline-Signature header"));

        String flow = "insurance-policy-renewals";
        String renewal = io.syncline.support.Examples.text(flow, "valid.json");
        String key = "query-key-" + System.nanoTime();
        String first = given().contentType("application/json").queryParam("Idempotency-Key", key).body(renewal)
                .post("/webhooks/" + flow).then().statusCode(202).extract().path("eventId");
        String second = given().contentType("application/json").queryParam("Idempotency-Key", key).body(renewal)
                .post("/webhooks/" + flow).then().statusCode(202).extract().path("eventId");
        assertNotEquals(first, second, "a query parameter must not act as the Idempotency-Key header");
    }

    @Test
    void aReplayedSignedRequestIsAnsweredAsADuplicateAndDeliveredOnce() {
        String claim = Claims.newClaimNumber();
        byte[] body = Claims.valid(claim).getBytes(StandardCharsets.UTF_8);
        String signed = signature(Instant.now(), body, CURRENT);
        String first = given().contentType("application/json").header("X-Syncline-Signature", signed)
                .body(body).post("/webhooks/" + FLOW).then().statusCode(202).extract().path("eventId");
        String replay = given().contentType("application/json").header("X-Syncline-Signature", signed)
                .body(body).post("/webhooks/" + FLOW).then().statusCode(202).extract().path("eventId");
        // a captured request replayed with a key of its own claims nothing: the key stays free for its real sender
        String key = "later-" + System.nanoTime();
        String replayWithKey = given().contentType("application/json").header("X-Syncline-Signature", signed)
                .header("Idempotency-Key", key).body(body).post("/webhooks/" + FLOW).then().statusCode(202)
                .extract().path("eventId");
        assertEquals(first, replay);
        assertEquals(first, replayWithKey);

        String next = Claims.newClaimNumber();
        byte[] nextBody = Claims.valid(next).getBytes(StandardCharsets.UTF_8);
        given().contentType("application/json").header("X-Syncline-Signature", signature(Instant.now(), nextBody, CURRENT))
                .header("Idempotency-Key", key).body(nextBody).post("/webhooks/" + FLOW).then().statusCode(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> SyncData.outboxWithKeyPrefix(FLOW, next).size() == 1);
        assertEquals(1, SyncData.outboxWithKeyPrefix(FLOW, claim).size());
    }

    @Test
    void anIdempotencyKeyReusedWithAnotherBodyIs422AndThatBodyIsNotAccepted() {
        String flow = "insurance-policy-renewals";
        String body = io.syncline.support.Examples.text(flow, "valid.json");
        String otherRenewal = "RNW-" + (System.nanoTime() % 10_000_000_000L);
        String other = body.replace("RNW-2026004417", otherRenewal);
        String key = "renewal-" + System.nanoTime();
        given().contentType("application/json").header("Idempotency-Key", key).body(body)
                .post("/webhooks/" + flow).then().statusCode(202);
        io.restassured.response.Response refused = given().contentType("application/json").header("Idempotency-Key", key)
                .body(other).post("/webhooks/" + flow);
        assertEquals(422, refused.statusCode(), refused.asString());
        assertEquals("urn:syncline:problem:idempotency-key-reused", refused.jsonPath().getString("type"));
        org.junit.jupiter.api.Assertions.assertTrue(refused.jsonPath().getString("detail").contains(key));

        // the same body under a fresh key goes through: nothing was lost, only the ambiguous request refused
        given().contentType("application/json").header("Idempotency-Key", key + "-b").body(other)
                .post("/webhooks/" + flow).then().statusCode(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> SyncData.outboxWithKeyPrefix(flow, otherRenewal).size() == 1);
    }

    @Test
    void aClaimDatedFurtherInTheFutureThanTheClockSkewIsRefusedAndNeverBecomesItsVersion() {
        String claim = Claims.newClaimNumber();
        byte[] future = Claims.valid(claim).replace("2026-11-27T09:14:00Z", "9999-12-31T23:59:59Z")
                .getBytes(StandardCharsets.UTF_8);
        given().contentType("application/json").header("X-Syncline-Signature", signature(Instant.now(), future, CURRENT))
                .body(future).post("/webhooks/" + FLOW).then().statusCode(400)
                .body("type", equalTo("urn:syncline:problem:invalid-record"))
                .body("errors[0].pointer", equalTo("/reportedAt"));
        // a later real update of the same claim is delivered, not stale-skipped
        byte[] real = Claims.valid(claim).replace("2026-11-27T09:14:00Z", Instant.now().toString()).getBytes(StandardCharsets.UTF_8);
        given().contentType("application/json").header("X-Syncline-Signature", signature(Instant.now(), real, CURRENT))
                .body(real).post("/webhooks/" + FLOW).then().statusCode(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> SyncData.outboxWithKeyPrefix(FLOW, claim).size() == 1);
        assertNotEquals("9999-12-31T23:59:59Z", SyncData.outboxWithKeyPrefix(FLOW, claim).get(0).path("sourceTimestamp").asText());
    }

    /** What an error answer may carry: Syncline's own headers and the server's, never one the request chose. */
    static void assertOnlyOwnHeaders(io.restassured.response.Response answer) {
        java.util.Set<String> allowed = java.util.Set.of("content-type", "content-length", "retry-after", "date",
                "connection", "transfer-encoding", "x-frame-options", "content-security-policy", "x-content-type-options", "referrer-policy",
                "cache-control");
        for (io.restassured.http.Header header : answer.headers()) {
            org.junit.jupiter.api.Assertions.assertTrue(allowed.contains(header.getName().toLowerCase()),
                    "answer header " + header.getName() + " was not Syncline's");
        }
        assertEquals(null, answer.header("Set-Cookie"));
    }

    @Test
    void theCatalogSaysWhichFlowsTakeUnsignedWebhooks() {
        given().get("/api/flows/" + FLOW).then().body("signedWebhooks", equalTo(true));
        given().get("/api/flows/insurance-policy-renewals").then().body("signedWebhooks", equalTo(false));
        given().get("/api/flows/insurance-actuarial-risk").then().body("signedWebhooks", org.hamcrest.Matchers.nullValue());
        // open: accepted unsigned (its records stay in the outbox); shown in the catalog and in the wellness checks
        given().get("/api/flows/insurance-policy-renewals").then().body("openWebhooks", equalTo(true));
        given().get("/api/flows/" + FLOW).then().body("openWebhooks", equalTo(false));
        given().get("/q/health/well").then()
                .body("checks.find { it.name == 'flow-insurance-policy-renewals' }.data.webhook",
                        equalTo("open: unsigned requests accepted"))
                .body("checks.find { it.name == 'flow-insurance-claims' }.data.webhook", org.hamcrest.Matchers.nullValue());
    }

    private static String signature(Instant at, byte[] body, String secret) {
        return WebhookSignature.header(at.getEpochSecond(), body, secret);
    }
}
