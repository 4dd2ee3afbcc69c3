package io.syncline.broker;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.syncline.support.Claims;
import io.syncline.support.DataDirResource;
import io.syncline.support.SyncData;

/** Without the broker nothing can be durable, so nothing is accepted: 503, never a 202 that could be lost. */
@QuarkusTest
@TestProfile(BrokerOutageTest.OwnBroker.class)
class BrokerOutageTest {

    public static class OwnBroker implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(DataDirResource.class, Map.of("name", "broker-outage")));
        }
    }

    @Inject
    EmbeddedBroker broker;

    @Test
    void whileTheBrokerIsDownWebhooksAnswer503AndAfterwardsTheyAreAcceptedAgain() {
        broker.stop();
        try {
            given().contentType("application/json").body(Claims.valid(Claims.newClaimNumber()))
                    .post("/webhooks/insurance-claims")
                    .then().statusCode(503)
                    .contentType("application/problem+json")
                    .header("Retry-After", "5")
                    .body("type", equalTo("urn:syncline:problem:broker-unavailable"));
            given().get("/q/health/ready").then().statusCode(503);
        } finally {
            broker.start();
        }

        String claim = Claims.newClaimNumber();
        await().atMost(Duration.ofSeconds(30)).until(() -> given().contentType("application/json").body(Claims.valid(claim))
                .post("/webhooks/insurance-claims").statusCode() == 202);
        await().atMost(Duration.ofSeconds(60)).until(() -> SyncData.outboxWithKeyPrefix("insurance-claims", claim).size() == 1);
        given().get("/q/health/ready").then().statusCode(200);
    }
}
