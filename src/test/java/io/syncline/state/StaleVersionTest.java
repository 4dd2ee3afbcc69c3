package io.syncline.state;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.syncline.support.Claims;
import io.syncline.support.EmbeddedDefaults;
import io.syncline.support.RiskFiles;
import io.syncline.support.SyncData;

@QuarkusTest
@TestProfile(EmbeddedDefaults.class)
class StaleVersionTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void anOlderVersionOfAKeyIsSkippedAndCountedAndANewerOneGoesThrough() {
        String flow = "insurance-claims";
        String claim = Claims.newClaimNumber();
        long skippedBefore = staleSkipped(flow);

        post(claim, "2026-11-27T10:00:00Z");
        await().atMost(WAIT).until(() -> SyncData.outboxWithKeyPrefix(flow, claim).size() == 1);

        post(claim, "2026-11-27T09:00:00Z"); // an older version arrives late
        await().atMost(WAIT).until(() -> staleSkipped(flow) == skippedBefore + 1);

        post(claim, "2026-11-27T11:00:00+01:00"); // 10:00Z again: the same version, not older
        post(claim, "2026-11-27T12:00:00Z");
        await().atMost(WAIT).until(() -> SyncData.outboxWithKeyPrefix(flow, claim).size() == 3);
        List<String> versions = SyncData.outboxWithKeyPrefix(flow, claim).stream()
                .map(e -> e.path("sourceTimestamp").asText()).toList();
        assertEquals(List.of("2026-11-27T10:00:00Z", "2026-11-27T11:00:00+01:00", "2026-11-27T12:00:00Z"), versions);
        assertEquals(skippedBefore + 1, staleSkipped(flow));
    }

    @Test
    void aReconciliationFileNeverOverwritesANewerRealTimeVersion() {
        String flow = "insurance-actuarial-risk";
        String prefix = RiskFiles.newPrefix();
        String newer = RiskFiles.HEADER + "\n" + RiskFiles.validRow(prefix + "1", 1).replace("2026-11-27T22:00:00Z", "2026-11-28T06:00:00Z") + "\n";
        SyncData.drop(flow, "newer-" + prefix + ".csv", newer.getBytes(StandardCharsets.UTF_8));
        await().atMost(WAIT).until(() -> SyncData.report(flow, "newer-" + prefix + ".csv").isPresent());

        String older = RiskFiles.HEADER + "\n" + RiskFiles.validRow(prefix + "1", 1) + "\n" + RiskFiles.validRow(prefix + "2", 2) + "\n";
        SyncData.drop(flow, "older-" + prefix + ".csv", older.getBytes(StandardCharsets.UTF_8));
        JsonNode report = await().atMost(WAIT).until(() -> SyncData.report(flow, "older-" + prefix + ".csv"), r -> r.isPresent()).get();
        assertEquals("completed", report.path("status").asText());
        assertEquals(1, report.path("published").asLong());
        assertEquals(1, report.path("staleSkipped").asLong());
        assertEquals(List.of("2026-11-28T06:00:00Z"), SyncData.outboxWithKeyPrefix(flow, prefix + "1").stream()
                .map(e -> e.path("sourceTimestamp").asText()).toList());

        given().queryParam("flow", flow).get("/api/batch-runs").then().statusCode(200)
                .body("find { it.file == 'older-" + prefix + ".csv' }.staleSkipped", org.hamcrest.Matchers.equalTo(1));
    }

    private static void post(String claim, String reportedAt) {
        given().contentType("application/json").body(Claims.valid(claim).replace("2026-11-27T09:14:00Z", reportedAt))
                .post("/webhooks/insurance-claims").then().statusCode(202);
    }

    private static long staleSkipped(String flow) {
        return given().get("/api/flows/" + flow).then().statusCode(200).extract().jsonPath().getLong("counters.stale-skipped");
    }
}
