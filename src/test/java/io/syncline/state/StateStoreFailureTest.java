package io.syncline.state;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.syncline.support.Claims;
import io.syncline.support.DataDirResource;
import io.syncline.support.PostgresStateResource;
import io.syncline.support.SyncData;

/**
 * The shared state store refuses a chunk's version read (its versions table is gone, as after a migration run against
 * the wrong schema): the chunk goes to the dead letters as an internal failure, once, and reaches the target not at
 * all, where it used to be dead-lettered and published both, without its keys held. Once the store is back, the next
 * claim goes through and the dead letter replays.
 */
@QuarkusTest
@TestProfile(StateStoreFailureTest.SharedStore.class)
class StateStoreFailureTest {

    static final String FLOW = "insurance-claims";
    static final Duration WAIT = Duration.ofSeconds(30);

    /** The README's defaults on a PostgreSQL store; one consumer, so the claim after the failed one is taken after it. */
    public static class SharedStore implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sync.flows." + FLOW + ".consumers", "1");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(DataDirResource.class, Map.of("name", "state-store-failure")),
                    new TestResourceEntry(PostgresStateResource.class));
        }
    }

    @Test
    void aChunkWhoseVersionsCannotBeReadIsDeadLetteredAndNotPublished() throws SQLException {
        String refused = Claims.newClaimNumber();
        String after = Claims.newClaimNumber();

        versionsTable("sync_versions", "sync_versions_gone");
        try {
            post(refused);
            await().atMost(WAIT).until(() -> !lettersOf(refused).isEmpty());
        } finally {
            versionsTable("sync_versions_gone", "sync_versions");
        }
        post(after);
        await().atMost(WAIT).until(() -> SyncData.outboxWithKeyPrefix(FLOW, after).size() == 1);

        // the one consumer took the second claim after the first one's transaction ended
        assertEquals(0, SyncData.outboxWithKeyPrefix(FLOW, refused).size(), "the refused claim reached the target");
        List<JsonNode> letters = lettersOf(refused);
        assertEquals(1, letters.size(), "one dead letter for the refused claim: " + letters);
        assertEquals("internal", letters.get(0).path("category").asText());
        assertEquals(0, lettersOf(after).size(), "the claim after it is a dead letter");

        given().post("/api/dead-letters/" + letters.get(0).path("id").asText() + "/replay").then().statusCode(200)
                .body("outcome", is("delivered"));
        assertEquals(1, SyncData.outboxWithKeyPrefix(FLOW, refused).size());
    }

    @Test
    void aChunkTheTargetTookWhoseVersionsCannotBeWrittenComesAgainAndIsNoDeadLetter() throws SQLException {
        String claim = Claims.newClaimNumber();
        long skippedBefore = given().get("/api/flows/" + FLOW).then().statusCode(200).extract().jsonPath()
                .getLong("counters.stale-skipped");

        // the store reads versions but refuses to write them, as a full disk or a lost primary would
        sql("CREATE OR REPLACE FUNCTION refuse_versions() RETURNS trigger LANGUAGE plpgsql AS"
                + " $$ BEGIN RAISE EXCEPTION 'versions refused'; END $$");
        sql("CREATE TRIGGER refuse_versions BEFORE INSERT OR UPDATE ON sync_versions FOR EACH ROW EXECUTE FUNCTION refuse_versions()");
        try {
            postBody(Claims.valid(claim).replace("2026-11-27T09:14:00Z", "2026-11-27T10:00:00Z"));
            await().atMost(WAIT).until(() -> SyncData.outboxWithKeyPrefix(FLOW, claim).size() >= 1);
        } finally {
            sql("DROP TRIGGER refuse_versions ON sync_versions");
        }
        // the chunk was not acknowledged: it comes again, and this time its version is written
        await("the claim comes again and its version is written").atMost(WAIT).until(() -> storedVersion(claim) != null);
        postBody(Claims.valid(claim).replace("2026-11-27T09:14:00Z", "2026-11-27T09:00:00Z"));
        await().atMost(WAIT).until(() -> given().get("/api/flows/" + FLOW).then().extract().jsonPath()
                .getLong("counters.stale-skipped") == skippedBefore + 1);

        assertEquals(0, lettersOf(claim).size(), "a claim the target has is no dead letter");
        assertEquals(List.of("2026-11-27T10:00:00Z"), SyncData.outboxWithKeyPrefix(FLOW, claim).stream()
                .map(envelope -> envelope.path("sourceTimestamp").asText()).distinct().toList());
    }

    private static void post(String claim) {
        postBody(Claims.valid(claim));
    }

    private static void postBody(String body) {
        given().contentType("application/json").body(body).post("/webhooks/" + FLOW).then().statusCode(202);
    }

    private static Long storedVersion(String claim) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url(), "postgres", "");
                java.sql.PreparedStatement select = connection.prepareStatement(
                        "SELECT source_version FROM sync_versions WHERE flow = ? AND record_key = ?")) {
            select.setString(1, FLOW);
            select.setString(2, claim);
            try (java.sql.ResultSet row = select.executeQuery()) {
                return row.next() ? row.getLong(1) : null;
            }
        }
    }

    private static void sql(String statement) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url(), "postgres", "");
                Statement sql = connection.createStatement()) {
            sql.execute(statement);
        }
    }

    private static String url() {
        return ConfigProvider.getConfig().getValue("sync.state.jdbc-url", String.class);
    }

    private static List<JsonNode> lettersOf(String claim) {
        return SyncData.deadLetters(FLOW).stream().filter(letter -> claim.equals(letter.path("key").asText())).toList();
    }

    /** Renames the store's versions table, from another connection, as an operator's migration would. */
    private static void versionsTable(String from, String to) throws SQLException {
        sql("ALTER TABLE " + from + " RENAME TO " + to);
    }
}
