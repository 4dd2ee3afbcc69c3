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

    private static void post(String claim) {
        given().contentType("application/json").body(Claims.valid(claim)).post("/webhooks/" + FLOW).then().statusCode(202);
    }

    private static List<JsonNode> lettersOf(String claim) {
        return SyncData.deadLetters(FLOW).stream().filter(letter -> claim.equals(letter.path("key").asText())).toList();
    }

    /** Renames the store's versions table, from another connection, as an operator's migration would. */
    private static void versionsTable(String from, String to) throws SQLException {
        String url = ConfigProvider.getConfig().getValue("sync.state.jdbc-url", String.class);
        try (Connection connection = DriverManager.getConnection(url, "postgres", "");
                Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE " + from + " RENAME TO " + to);
        }
    }
}
