package io.syncline.flows;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.syncline.support.DataDirResource;
import io.syncline.support.Examples;
import io.syncline.support.SyncData;

/** insurance-claims switched to batch by configuration alone: no webhook any more, the same claim comes as a file. */
@QuarkusTest
@TestProfile(ModeSwitchTest.ClaimsInBatch.class)
class ModeSwitchTest {

    public static class ClaimsInBatch implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sync.flows.insurance-claims.mode", "batch",
                    "sync.flows.insurance-claims.schedule", "0/1 * * * * ?");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(DataDirResource.class, Map.of("name", "mode-switch")));
        }
    }

    static final String FLOW = "insurance-claims";

    @Test
    void aRealTimeFlowSwitchedToBatchTakesTheSameRecordFromItsInbox() {
        given().get("/api/flows/" + FLOW).then().statusCode(200)
                .body("mode", equalTo("batch"))
                .body("intakes", contains("file"));
        given().contentType("application/json").body(Examples.text(FLOW, "valid.json"))
                .post("/webhooks/" + FLOW).then().statusCode(404);

        String line = Examples.compact(FLOW, "valid.json") + "\n";
        SyncData.drop(FLOW, "claims-batch.jsonl", line.getBytes(StandardCharsets.UTF_8));

        JsonNode report = await().atMost(Duration.ofSeconds(30)).until(() -> SyncData.report(FLOW, "claims-batch.jsonl"),
                r -> r.isPresent()).get();
        assertEquals(1, report.path("published").asLong());
        JsonNode envelope = SyncData.outboxWithKeyPrefix(FLOW, Examples.jsonKey(FLOW, "valid.json")).get(0);
        assertEquals(Examples.jsonKey(FLOW, "valid.json"), envelope.path("record").path("claimNumber").asText());
        assertEquals("2026-11-27T09:14:00Z", envelope.path("sourceTimestamp").asText());
    }
}
