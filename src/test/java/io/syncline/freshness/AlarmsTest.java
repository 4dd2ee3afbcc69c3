package io.syncline.freshness;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.syncline.support.Examples;
import io.syncline.support.Watched;

/**
 * The alarms for what used to fail silently (profile {@link Watched}): a flow that rejects what it receives, and a
 * real-time source that stops sending, each turn the flow red within one check (health is judged on every read; the
 * dashboard reads every 5 s) and green again once healthy data flows.
 */
@QuarkusTest
@TestProfile(Watched.class)
class AlarmsTest {

    /** One dashboard refresh on top of the limit being passed. */
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(5);
    /** For what waits on a delivery through the broker, not on the alarm. */
    static final Duration DELIVERY = Duration.ofSeconds(30);
    static final AtomicLong NEXT = new AtomicLong(System.currentTimeMillis() % 100_000_000L);

    @Test
    void aStreamOfInvalidRecordsMakesTheFlowFailingWithTheFigureAndHealthyRecordsBringItBack() {
        String flow = "retail-online-purchases";
        for (int i = 0; i < 4; i++) {
            given().contentType("application/json").body(purchase().replace("\"EUR\"", "\"euro\""))
                    .post("/webhooks/" + flow).then().statusCode(400);
        }
        await().atMost(CHECK_INTERVAL).until(() -> "failing".equals(health(flow).getString("state")));
        assertTrue(health(flow).getString("reasons[0]").startsWith("received 4 in the last 10 min and delivered none (4 rejected"),
                health(flow).prettify());
        assertEquals("DOWN", well(flow).getString("status"));
        // a scrape judges each flow at most once a second
        await().atMost(CHECK_INTERVAL).until(() -> metrics().contains("syncline_flow_state{flow=\"" + flow + "\",state=\"failing\"} 1.0"));

        // delivering again, but still more than half refused: the share is the figure
        given().contentType("application/json").body(purchase()).post("/webhooks/" + flow).then().statusCode(202);
        await().atMost(DELIVERY).until(() -> health(flow).getString("reasons[0]").startsWith("4 of 5 records (80 %)"));
        assertEquals("failing", health(flow).getString("state"));

        for (int i = 0; i < 4; i++) {
            given().contentType("application/json").body(purchase()).post("/webhooks/" + flow).then().statusCode(202);
        }
        await().atMost(DELIVERY).until(() -> "healthy".equals(health(flow).getString("state")));
        assertEquals("UP", well(flow).getString("status"));
        await().atMost(CHECK_INTERVAL).until(() -> metrics().contains("syncline_flow_state{flow=\"" + flow + "\",state=\"healthy\"} 1.0"));
    }

    @Test
    void aRealTimeSourceThatStopsMakesTheFlowStaleSayingSinceWhenAndDataBringsItBack() {
        String flow = "healthcare-patient-discharges";
        Duration maxQuiet = Duration.ofSeconds(5);
        Instant lastHeard = Instant.now();
        given().contentType("application/json").body(discharge()).post("/webhooks/" + flow).then().statusCode(202);
        await().atMost(CHECK_INTERVAL).until(() -> "healthy".equals(health(flow).getString("state")));

        // the source stops: stale once max-quiet has passed, within one check
        await().atMost(maxQuiet.plus(CHECK_INTERVAL)).until(() -> "stale".equals(health(flow).getString("state")));
        assertTrue(Duration.between(lastHeard, Instant.now()).compareTo(maxQuiet) >= 0);
        given().get("/api/flows/" + flow).then()
                .body("health.reasons[0]", containsString("no data since "))
                .body("health.reasons[0]", containsString("within its expected hours DAILY 00:00-24:00 UTC (expected-activity.max-quiet 5 s)"))
                .body("freshness.expectedActivity.maxQuiet", org.hamcrest.Matchers.equalTo("PT5S"));
        assertEquals("DOWN", well(flow).getString("status"));
        String metrics = metrics();
        assertTrue(metrics.contains("syncline_flow_max_quiet_seconds{flow=\"" + flow + "\"} 5.0"), metrics);
        await().atMost(CHECK_INTERVAL).until(() -> metrics().contains("syncline_flow_state{flow=\"" + flow + "\",state=\"stale\"} 1.0"));

        given().contentType("application/json").body(discharge()).post("/webhooks/" + flow).then().statusCode(202);
        await().atMost(CHECK_INTERVAL).until(() -> "healthy".equals(health(flow).getString("state")));
        assertEquals("UP", well(flow).getString("status"));
    }

    private static String purchase() {
        return Examples.text("retail-online-purchases", "valid.json").replace("ORD-20261127041", "ORD-" + NEXT.incrementAndGet())
                .replace("2026-11-27T09:14:00Z", Instant.now().toString());
    }

    private static String discharge() {
        return Examples.text("healthcare-patient-discharges", "valid.json")
                .replace("ENC-20261127031", "ENC-" + NEXT.incrementAndGet())
                .replace("2026-11-27T09:14:00Z", Instant.now().toString());
    }

    private static JsonPath health(String flow) {
        return given().get("/api/flows/" + flow).then().statusCode(200).extract().jsonPath().setRootPath("health");
    }

    private static JsonPath well(String flow) {
        JsonPath all = given().get("/q/health/well").jsonPath();
        return new JsonPath(all.prettify()).setRootPath("checks.find { it.name == 'flow-" + flow + "' }");
    }

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }
}
