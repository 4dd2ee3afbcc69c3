package io.syncline.security;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
    void theCatalogSaysWhichFlowsTakeUnsignedWebhooks() {
        given().get("/api/flows/" + FLOW).then().body("signedWebhooks", equalTo(true));
        given().get("/api/flows/insurance-policy-renewals").then().body("signedWebhooks", equalTo(false));
        given().get("/api/flows/insurance-actuarial-risk").then().body("signedWebhooks", org.hamcrest.Matchers.nullValue());
    }

    private static String signature(Instant at, byte[] body, String secret) {
        return WebhookSignature.header(at.getEpochSecond(), body, secret);
    }
}
