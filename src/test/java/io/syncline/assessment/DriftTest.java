package io.syncline.assessment;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.syncline.support.Chromium;
import io.syncline.support.DataDirResource;
import io.syncline.support.Users;

/**
 * Patient discharges, agent-facing and advised real-time, switched to batch: a wellness warning, a metric and a
 * dashboard badge say so, with the reason. AssessmentTest runs the same answers with the flow back in realtime mode
 * and finds the warning and the metric cleared.
 */
@QuarkusTest
@TestProfile(DriftTest.DischargesInBatch.class)
class DriftTest {

    static final String FLOW = "healthcare-patient-discharges";
    static final String REASON = "runs in batch mode, advised realtime: agent-facing=true (agent-actions: care follow-up outreach):"
            + " an AI agent acts on it autonomously";

    public static class DischargesInBatch implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sync.flows." + FLOW + ".mode", "batch");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(DataDirResource.class, Map.of("name", "drift")));
        }
    }

    @TestHTTPResource("/")
    URL dashboard;

    @Test
    void aFlowInTheModeTheAdviceDisagreesWithRaisesAWellnessWarningWithTheReason() {
        given().get("/q/health/well").then().statusCode(503)
                .body("checks.find { it.name == 'sync-assessment' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'sync-assessment' }.data.drifting", equalTo(1))
                .body("checks.find { it.name == 'sync-assessment' }.data.'" + FLOW + "'", startsWith(REASON));
        Users.asViewer().get("/api/assessment").then().body("drifting", equalTo(List.of(FLOW)));
    }

    @Test
    void theDriftMetricIsOneForTheDriftingFlowOnly() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        List<String> drift = metrics.lines().filter(l -> l.startsWith("syncline_assessment_drift{")).toList();
        assertEquals(15, drift.size(), metrics);
        assertEquals(List.of("syncline_assessment_drift{flow=\"" + FLOW + "\"} 1.0"), drift.stream().filter(l -> !l.endsWith(" 0.0")).toList());
    }

    @Test
    void theDashboardShowsADriftBadgeWithTheReasonAndTheAssessmentPanel() throws Exception {
        try (Chromium browser = Chromium.start()) {
            browser.open(dashboard.toString());
            await().atMost(Duration.ofSeconds(40)).until(
                    () -> "false".equals(browser.script("return String(document.getElementById('signin').hidden)")));
            browser.script("document.getElementById('username').value = '" + Users.VIEWER + "';"
                    + " document.getElementById('password').value = '" + Users.VIEWER_PASSWORD + "';"
                    + " document.getElementById('signin-button').click(); return ''");
            String badge = await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500)).until(() -> browser.script(
                    "const b = document.querySelector('#flows tr[data-flow=\"" + FLOW + "\"] .drift'); return b ? b.title : ''"),
                    title -> !title.isEmpty());
            assertTrue(badge.startsWith(REASON), badge);
            assertEquals("1", browser.script("return String(document.querySelectorAll('#flows .drift').length)"));
            assertEquals("15", browser.script("return String(document.querySelectorAll('#assessment tr').length)"));
            String row = browser.script("return document.querySelector('#assessment tr[data-flow=\"" + FLOW + "\"]').textContent");
            assertTrue(row.contains("batch (drift)") && row.contains("realtime") && row.contains("agent-facing=true"), row);
        }
    }
}
