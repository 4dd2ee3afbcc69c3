package io.syncline.assessment;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.syncline.support.DataDirResource;
import io.syncline.support.Users;

/**
 * The fifteen built-in flows, with their default answers and no traffic: each gets the seed's own recommendation,
 * none drifts, and the advice reads the same in JSON, CSV and the Markdown reference guide.
 */
@QuarkusTest
@TestProfile(AssessmentTest.NoTraffic.class)
class AssessmentTest {

    public static class NoTraffic implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(DataDirResource.class, Map.of("name", "assessment")));
        }
    }

    /** The seed's reference table: flow, its recommendation in the seed's words, the advice that says it, the cadence. */
    static final String[][] SEED = {
            { "insurance-claims", "Real-time", "realtime", null },
            { "insurance-policy-renewals", "Real-time", "realtime", null },
            { "insurance-actuarial-risk", "Batch (weekly/monthly)", "batch", "weekly" },
            { "financial-portfolio-trades", "Real-time", "realtime", null },
            { "financial-compliance-docs", "Real-time or same-day batch", "realtime micro-batched", null },
            { "financial-monthly-statements", "Batch (monthly)", "batch", "monthly" },
            { "healthcare-patient-discharges", "Real-time", "realtime", null },
            { "healthcare-appointments", "Real-time or near-real-time", "realtime", null },
            { "healthcare-outcome-reporting", "Batch (monthly)", "batch", "monthly" },
            { "manufacturing-inventory-levels", "Real-time or hourly", "realtime", null },
            { "manufacturing-production-output", "Near-real-time (15-60 min)", "batch", "every 15 minutes" },
            { "manufacturing-erp-reconciliation", "Batch (nightly)", "batch", "daily" },
            { "retail-online-purchases", "Real-time", "realtime", null },
            { "retail-loyalty-tiers", "Real-time", "realtime", null },
            { "retail-catalog-pricing", "Batch daily or as-needed", "batch", "daily" } };

    @Test
    void theFifteenFlowsWithTheirDefaultAnswersAndNoTrafficGetTheSeedsRecommendation() {
        JsonPath all = Users.asViewer().get("/api/assessment").then().statusCode(200).extract().jsonPath();
        assertEquals(15, all.getList("flows").size());
        for (String[] row : SEED) {
            String flow = row[0];
            String at = "flows.find { it.flow == '" + flow + "' }.";
            String why = flow + " (seed: " + row[1] + ")";
            assertEquals(row[2], all.getString(at + "advice.mode"), why);
            assertEquals(row[3], all.getString(at + "advice.cadence"), why);
            if (row[3] != null) {
                assertTrue(all.getString(at + "advice.cron").matches("[0-9*?/ ,A-Z-]+"), why);
            }
            assertEquals(0L, all.getLong(at + "evidence.records"), why);
            List<String> reasons = all.getList(at + "advice.reasons");
            assertTrue(!reasons.isEmpty() && reasons.stream().anyMatch(r -> r.contains("source-supports=")), why + ": " + reasons);
            assertTrue(reasons.stream().allMatch(r -> r.matches(".*[a-z-]+=.*|.*[0-9].*")), why + " quotes an answer or a figure: " + reasons);
            assertEquals(false, all.getBoolean(at + "drift.drifting"), why);
        }
        assertEquals(List.of(), all.getList("drifting"));
    }

    @Test
    void oneFlowsAssessmentQuotesTheAnswersBehindTheAdvice() {
        Users.asViewer().get("/api/flows/insurance-policy-renewals/assessment").then().statusCode(200)
                .body("flow", equalTo("insurance-policy-renewals"))
                .body("mode", equalTo("realtime"))
                .body("advice.mode", equalTo("realtime"))
                .body("advice.reasons[0]", containsString("agent-facing=true (agent-actions: renewal outreach)"))
                .body("answers.delayConsequence", equalTo("customer"))
                .body("answers.decisionTempo", equalTo("PT1H"))
                .body("answers.sourceSupports", equalTo("push"))
                .body("evidence.window", equalTo("P30D"))
                .body("cost.dailyApiAllowance", equalTo(100000))
                .body("cost.chunking.chunkSize", equalTo(2001))
                .body("cost.realtime.apiCallsPerDay", equalTo(0.0f));
        Users.asViewer().get("/api/flows/no-such-flow/assessment").then().statusCode(404);
        Users.anonymous().get("/api/assessment").then().statusCode(401);
        Users.anonymous().get("/api/flows/insurance-claims/assessment").then().statusCode(401);
    }

    @Test
    void theAssessmentExportsAsCsvAndAsTheSeedsReferenceGuideInMarkdown() {
        String csv = Users.asViewer().get("/api/assessment/export.csv").then().statusCode(200)
                .contentType(containsString("text/csv")).extract().asString();
        List<String> lines = csv.lines().toList();
        assertEquals(16, lines.size(), csv);
        assertTrue(lines.get(0).startsWith("flow,industry,dataFlow,mode,advisedMode,cadence,cron,drift,reasons"), lines.get(0));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("insurance-actuarial-risk,insurance,\"Actuarial / risk data updates\",batch,batch,weekly,")
                || l.startsWith("insurance-actuarial-risk,insurance,Actuarial / risk data updates,batch,batch,weekly,")), csv);

        String md = Users.asViewer().get("/api/assessment/report.md").then().statusCode(200)
                .contentType(containsString("text/markdown")).extract().asString();
        assertTrue(md.contains("| Industry | Data Flow | Running Mode | Recommended Approach | Why It Matters |"), md);
        assertTrue(md.contains("| Insurance | New claim submissions → outbox (`insurance-claims`) | realtime | Real-time | agent-facing=true"), md);
        assertTrue(md.contains("| Manufacturing | Financial/ERP reconciliation → outbox (`manufacturing-erp-reconciliation`) | batch | Batch (daily, `"), md);
        assertEquals(15, md.lines().filter(l -> l.startsWith("| ") && l.contains("(`")).count(), md);
    }

    /** The same answers as DriftTest, with every flow in its advised mode: no warning, every drift metric 0. */
    @Test
    void withEveryFlowInItsAdvisedModeNothingDrifts() {
        io.restassured.RestAssured.given().get("/q/health/well").then()
                .body("checks.find { it.name == 'sync-assessment' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'sync-assessment' }.data.drifting", equalTo(0));
        String metrics = io.restassured.RestAssured.given().get("/q/metrics").then().statusCode(200).extract().asString();
        List<String> drift = metrics.lines().filter(l -> l.startsWith("syncline_assessment_drift{")).toList();
        assertEquals(15, drift.size(), metrics);
        assertTrue(drift.stream().allMatch(l -> l.endsWith(" 0.0")), drift.toString());
        io.restassured.RestAssured.given().get("/q/health/well").then().body("checks.findAll { it.name == 'sync-assessment' }", hasSize(1));
    }
}
