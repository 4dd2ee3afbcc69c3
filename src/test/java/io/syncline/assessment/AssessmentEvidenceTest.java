package io.syncline.assessment;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.syncline.support.DataDirResource;
import io.syncline.support.SyncData;
import io.syncline.support.Users;

/**
 * Evidence changes advice: keys that change several times a day while an agent acts on them flip a batch flow to
 * real-time; a real-time flow with one update a week and nothing lost by a day's delay is advised a weekly batch;
 * and the API calls a known traffic history costs in each mode are the ones worked out by hand below.
 */
@QuarkusTest
@TestProfile(AssessmentEvidenceTest.Answered.class)
class AssessmentEvidenceTest {

    /**
     * The catalog's source can push and an agent quotes prices from it; renewals matter to nobody within a day; the
     * actuarial files go out in chunks of 500.
     */
    public static class Answered implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sync.flows.retail-catalog-pricing.assessment.source-supports", "push",
                    "sync.flows.retail-catalog-pricing.assessment.agent-actions", "price quotes,product recommendations",
                    "sync.flows.insurance-policy-renewals.agent-facing", "false",
                    "sync.flows.insurance-policy-renewals.assessment.agent-actions", "",
                    "sync.flows.insurance-policy-renewals.assessment.delay-consequence", "none",
                    "sync.flows.insurance-policy-renewals.assessment.decision-tempo", "",
                    "sync.flows.insurance-actuarial-risk.target.chunk-size", "500");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(DataDirResource.class, Map.of("name", "assessment-evidence")));
        }
    }

    @Inject
    EvidenceStore evidence;

    @Test
    void keysChangingSeveralTimesADayWhileAnAgentActsOnThemFlipABatchFlowToRealTime() {
        String flow = "retail-catalog-pricing";
        Users.asViewer().get("/api/flows/" + flow + "/assessment").then().statusCode(200)
                .body("advice.mode", equalTo("batch"))
                .body("advice.cadence", equalTo("daily"))
                .body("drift.drifting", equalTo(false));

        // three prices, each changed four times today, in one file through the flow's real file intake
        StringBuilder csv = new StringBuilder("priceRecordId,sku,productName,priceListCode,listPrice,salePrice,currency,validFrom,validTo,active,updatedAt\n");
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        for (int hoursAgo = 8; hoursAgo >= 2; hoursAgo -= 2) {
            for (String sku : List.of("MUG-2001-WHT", "MUG-2002-BLK", "MUG-2003-RED")) {
                csv.append(sku).append("-WEBDE,").append(sku).append(",Mug,WEBDE,").append(10 + hoursAgo).append(".00,,EUR,2026-11-27,,true,")
                        .append(now.minus(Duration.ofHours(hoursAgo))).append('\n');
            }
        }
        SyncData.drop(flow, "prices-today.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(30)).until(() -> SyncData.report(flow, "prices-today.csv")
                .filter(r -> r.path("published").asLong() == 12).isPresent());

        JsonPath assessment = await().atMost(Duration.ofSeconds(30)).until(
                () -> Users.asViewer().get("/api/flows/" + flow + "/assessment").then().statusCode(200).extract().jsonPath(),
                a -> "realtime".equals(a.getString("advice.mode")));
        assertEquals(12, assessment.getLong("evidence.records"));
        assertEquals(4.0, assessment.getDouble("evidence.keyChangesPerDay"));
        assertEquals("keys change 4 times a day (12 records, 9 of them a key's repeat change within 24 h, over 1.0 days):"
                + " more often than a daily batch can follow", assessment.getString("advice.reasons[0]"));
        assertEquals("agent-facing=false (agent-actions: price quotes, product recommendations): between windows an agent"
                + " acts on values already superseded", assessment.getString("advice.reasons[1]"));
        assertEquals(true, assessment.getBoolean("drift.drifting"));
        assertEquals(true, assessment.getString("drift.reason").startsWith("runs in batch mode, advised realtime: keys change 4 times a day"));
        Users.asViewer().get("/api/assessment").then().body("drifting", hasItem(flow));
    }

    @Test
    void aRealTimeFlowWithOneUpdateAWeekAndNoDelayConsequenceIsAdvisedBatch() {
        String flow = "insurance-policy-renewals";
        Instant now = Instant.now();
        for (int weeksAgo = 4; weeksAgo >= 1; weeksAgo--) {
            Instant at = now.minus(Duration.ofDays(7L * weeksAgo));
            evidence.observe(flow, at, List.of(new EvidenceStore.Delivery("POL-" + weeksAgo, at.minusSeconds(20))), Map.of());
        }

        Users.asViewer().get("/api/flows/" + flow + "/assessment").then().statusCode(200)
                .body("mode", equalTo("realtime"))
                .body("evidence.records", equalTo(4))
                .body("evidence.recordsPerDay", equalTo(0.14f))
                .body("advice.mode", equalTo("batch"))
                .body("advice.cadence", equalTo("weekly"))
                .body("advice.cron", equalTo("0 0 2 ? * SUN"))
                .body("advice.reasons[0]", equalTo("delay-consequence=none: a 24-hour delay changes nothing material"))
                .body("advice.reasons[1]", equalTo("0.14 records a day (4 in 28.0 days): about one every 7.0 days, so a weekly batch misses nothing"))
                .body("drift.drifting", equalTo(true))
                .body("drift.reason", containsString("runs in realtime mode, advised batch (weekly, 0 0 2 ? * SUN)"));
    }

    @Test
    void recordsDeliveredLaterThanTheDecisionTempoAreCountedAsReadStaleAndQuoted() {
        String flow = "healthcare-appointments"; // agent-facing, decision-tempo=PT5M
        Instant now = Instant.now();
        List<EvidenceStore.Delivery> chunk = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            chunk.add(new EvidenceStore.Delivery("APT-" + i, now.minus(i < 4 ? Duration.ofMinutes(20) : Duration.ofSeconds(30))));
        }
        evidence.observe(flow, now, chunk, Map.of());

        JsonPath appointments = assessment(flow);
        assertEquals(4, appointments.getLong("readStale"));
        assertEquals("agent-facing=true (agent-actions: appointment reminders): an AI agent acts on it autonomously and would act on stale data",
                appointments.getString("advice.reasons[0]"));
        assertEquals("4 of 10 records (40%) reached the target more than PT5M after their source time: read stale by whoever"
                + " acts within decision-tempo=PT5M", appointments.getString("advice.reasons[1]"));
    }

    /**
     * 150 records an hour for the last 20 hours: 3,000 records, less than a day observed, so 3,000 a day. Salesforce's
     * defaults: bulk-threshold 2,000, chunks of 2,001; sObject Collections take 200; a Bulk API 2.0 job is 6 calls;
     * micro-batching shares each minute (1,440 a day).
     */
    @Test
    void theApiCallEstimateOfAKnownTrafficHistoryMatchesAHandCalculation() {
        Instant now = Instant.now();
        for (String flow : List.of("manufacturing-erp-reconciliation", "manufacturing-production-output", "insurance-actuarial-risk")) {
            for (int hoursAgo = 20; hoursAgo >= 1; hoursAgo--) {
                Instant at = now.minus(Duration.ofHours(hoursAgo));
                List<EvidenceStore.Delivery> hour = new ArrayList<>();
                for (int i = 0; i < 150; i++) {
                    hour.add(new EvidenceStore.Delivery(flow + "-" + hoursAgo + "-" + i, at.minus(Duration.ofMinutes(10))));
                }
                evidence.observe(flow, at, hour, Map.of());
            }
        }

        JsonPath erp = assessment("manufacturing-erp-reconciliation");
        assertEquals(3000.0, erp.getDouble("evidence.recordsPerDay"));
        assertEquals(150, erp.getLong("evidence.peakPerSecond"));
        assertEquals(0, erp.getLong("readStale")); // ten minutes late, decision-tempo=P1D
        assertEquals("≤ PT10M", erp.getString("evidence.lagP95"));
        // one upsert a record
        assertEquals(3000.0, erp.getDouble("cost.realtime.apiCallsPerDay"));
        // 1,440 minutes of ceil(3000 / 1440) = 3 records: one Collections call each
        assertEquals(1440.0, erp.getDouble("cost.realtimeMicroBatched.apiCallsPerDay"));
        // one nightly file of 3,000 rows > 2,000: ceil(3000 / 2001) = 2 Bulk API 2.0 jobs of 6 calls
        assertEquals("daily", erp.getString("cost.batchCadence"));
        assertEquals(12.0, erp.getDouble("cost.batch.apiCallsPerDay"));
        assertEquals(2988.0, erp.getDouble("cost.batchSavesPerDay"));
        assertEquals(0.03, erp.getDouble("cost.realtime.shareOfAllowance"), 1e-9); // 3,000 of 100,000
        assertEquals("3000 API calls a day in real time against 12 in batches (daily): 2988 saved",
                erp.getList("advice.reasons").get(erp.getList("advice.reasons").size() - 1));

        // a pull every 15 minutes: 96 windows of ceil(3000 / 96) = 32 items, one page of 100, one Collections call
        JsonPath output = assessment("manufacturing-production-output");
        assertEquals("every 15 minutes", output.getString("cost.batchCadence"));
        assertEquals(96.0, output.getDouble("cost.batch.apiCallsPerDay"));

        // a weekly file of 7 x 3,000 = 21,000 rows in chunks of 500 (never Bulk API 2.0): 42 chunks x ceil(500 / 200) = 3
        // calls = 126 a week, 18 a day
        JsonPath actuarial = assessment("insurance-actuarial-risk");
        assertEquals(500, actuarial.getInt("cost.chunking.chunkSize"));
        assertEquals("weekly", actuarial.getString("cost.batchCadence"));
        assertEquals(18.0, actuarial.getDouble("cost.batch.apiCallsPerDay"));
        assertEquals(1440.0, actuarial.getDouble("cost.realtimeMicroBatched.apiCallsPerDay"));
    }

    private static JsonPath assessment(String flow) {
        return Users.asViewer().get("/api/flows/" + flow + "/assessment").then().statusCode(200).extract().jsonPath();
    }
}
