package io.syncline.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.sql.DataSource;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.syncline.config.SyncConfig;
import io.syncline.support.DataDirResource;
import io.syncline.support.StateDatabases;

/**
 * The same store code and the same Flyway migrations on the embedded H2 default and on the PostgreSQL this machine runs
 * (127.0.0.1:5432, a fresh database per test, dropped afterwards).
 */
class StateStoreTest {

    static List<String> databases() {
        return List.of("h2", "postgresql");
    }

    /** A migrated database of the kind, H2 in its own data directory, and the stores opened on it. */
    record Database(DataSource dataSource, AutoCloseable drop, List<StateStore> stores) implements AutoCloseable {
        static Database of(String kind, String dataDirName) throws SQLException {
            if (kind.equals("h2")) {
                Path dataDir = Path.of("target", "test-data", dataDirName).toAbsolutePath();
                DataDirResource.deleteRecursively(dataDir);
                return new Database(StateDatabases.h2(dataDir), () -> {
                }, new ArrayList<>());
            }
            StateDatabases.Postgres postgres = new StateDatabases.Postgres();
            return new Database(postgres.dataSource(), postgres, new ArrayList<>());
        }

        StateStore store() throws SQLException {
            StateStore store = new StateStore(dataSource, config());
            stores.add(store);
            return store;
        }

        /** The stores first (the last closes the embedded RocksDB), then the database. */
        @Override
        public void close() throws Exception {
            stores.forEach(StateStore::close);
            drop.close();
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void anOlderVersionNeverReplacesANewerOneAndVersionsSurviveANewConnection(String database) throws Exception {
        try (Database db = Database.of(database, "version-store")) {
            String flow = "test-" + System.nanoTime();
            StateStore store = db.store();
            store.remember(flow, Map.of("K1", 2000L, "K2", 1000L), Map.of("K1", "e1", "K2", "e2"));
            store.remember(flow, Map.of("K1", 1500L, "K2", 3000L), Map.of("K1", "e3", "K2", "e4"));

            StateStore reopened = db.store();
            assertEquals(Map.of("K1", 2000L, "K2", 3000L), reopened.versions(flow, List.of("K1", "K2", "K3")));
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void anIdempotencyKeyIsPendingUntilItsEventIsAcceptedAndOnlyThenAnsweredWithItsEventId(String database) throws Exception {
        try (Database db = Database.of(database, "idempotency-store")) {
            StateStore store = db.store();
            String flow = "test-" + System.nanoTime();
            long now = System.currentTimeMillis();
            assertEquals(Optional.empty(), store.claimIdempotencyKey(flow, "k", "e1", "h1", now, now - 60_000, now - 30_000));
            assertEquals(Optional.of(new StateStore.KeyHolder("e1", false, "h1")),
                    store.claimIdempotencyKey(flow, "k", "e2", "h1", now, now - 60_000, now - 30_000));
            store.acceptIdempotencyKey(flow, "k", "e1");
            // the holder names the body it was first used with, so a reuse with another body can be refused
            assertEquals(Optional.of(new StateStore.KeyHolder("e1", true, "h1")),
                    store.claimIdempotencyKey(flow, "k", "e3", "h2", now, now - 60_000, now - 30_000));
            // a pending key whose request died long ago is taken over
            assertEquals(Optional.empty(), store.claimIdempotencyKey(flow, "k2", "e4", "h4", now - 100_000, 0, 0));
            assertEquals(Optional.empty(), store.claimIdempotencyKey(flow, "k2", "e5", "h5", now, now - 60_000, now - 30_000));
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void expiredIdempotencyKeysArePurgedAndKeysInTheirWindowAreKept(String database) throws Exception {
        try (Database db = Database.of(database, "idempotency-purge")) {
            StateStore store = db.store();
            String flow = "test-" + System.nanoTime();
            long now = System.currentTimeMillis();
            store.claimIdempotencyKey(flow, "expired", "e1", "h", now - 90_000, 0, 0);
            store.acceptIdempotencyKey(flow, "expired", "e1");
            store.claimIdempotencyKey(flow, "abandoned", "e2", "h", now - 40_000, 0, 0);
            store.claimIdempotencyKey(flow, "valid", "e3", "h", now - 10_000, 0, 0);
            store.acceptIdempotencyKey(flow, "valid", "e3");
            store.claimIdempotencyKey(flow, "pending", "e4", "h", now - 10_000, 0, 0);

            assertEquals(2, store.purgeIdempotencyKeys(now - 60_000, now - 30_000));
            // what is left still answers for its key; what was purged is free again
            assertEquals(Optional.of(new StateStore.KeyHolder("e3", true, "h")),
                    store.claimIdempotencyKey(flow, "valid", "e5", "h", now, 0, 0));
            assertEquals(Optional.of(new StateStore.KeyHolder("e4", false, "h")),
                    store.claimIdempotencyKey(flow, "pending", "e6", "h", now, 0, now - 30_000));
            assertEquals(Optional.empty(), store.claimIdempotencyKey(flow, "expired", "e7", "h", now, now - 60_000, now - 30_000));
            assertEquals(Optional.empty(), store.claimIdempotencyKey(flow, "abandoned", "e8", "h", now, now - 60_000, now - 30_000));
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aVersionStoredInTheFutureIsClearedSoTheNextUpdateOfItsKeyGoesThrough(String database) throws Exception {
        try (Database db = Database.of(database, "future-versions")) {
            String flow = "test-" + System.nanoTime();
            long farFuture = java.time.Instant.parse("9999-12-31T23:59:59Z").toEpochMilli();
            long soon = System.currentTimeMillis() + 60_000;
            StateStore store = db.store();
            // as a store written before source timestamps were bounded holds them
            store.remember(flow, Map.of("PINNED", farFuture, "NEAR", soon), Map.of("PINNED", "e1", "NEAR", "e2"));

            StateStore reopened = db.store();
            assertEquals(Map.of("NEAR", soon), reopened.versions(flow, List.of("PINNED", "NEAR")));
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void checkpointsCursorsAndPausedFlowsAreWhatTheLastWriterSaid(String database) throws Exception {
        try (Database db = Database.of(database, "shared-state")) {
            StateStore first = db.store();
            StateStore second = db.store();
            first.saveCheckpoint("f", "a.csv", "f/a.csv/10/1/", 200);
            second.saveCheckpoint("f", "a.csv", "f/a.csv/10/1/", 400);
            assertEquals(Optional.of(new StateStore.Checkpoint("f/a.csv/10/1/", 400)), first.checkpoint("f", "a.csv"));
            first.clearCheckpoint("f", "a.csv");
            assertEquals(Optional.empty(), second.checkpoint("f", "a.csv"));

            first.saveCursor("f", "p1");
            second.saveCursor("f", "p2");
            assertEquals(Optional.of("p2"), first.cursor("f"));

            first.setPaused("f", true, 1);
            first.setPaused("g", true, 2);
            second.setPaused("g", false, 3);
            assertEquals(Set.of("f"), second.pausedFlows());
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void eachInstanceSeesTheOtherInstancesCountersSummedSinceTheFirstOfThemStarted(String database) throws Exception {
        try (Database db = Database.of(database, "counters")) {
            StateStore store = db.store();
            store.saveCounters("a", 1000, Map.of("f", Map.of("published", 5L, "received", 6L)));
            store.saveCounters("b", 2000, Map.of("f", Map.of("published", 7L), "g", Map.of("published", 1L)));
            store.saveCounters("c", 3000, Map.of("f", Map.of("published", 1L)));
            // a later write of an instance replaces its earlier one
            store.saveCounters("b", 2000, Map.of("f", Map.of("published", 9L)));
            assertEquals(new StateStore.Counters(Map.of("published", 10L), 2000L), store.othersCounters("f", "a"));
            assertEquals(new StateStore.Counters(Map.of("published", 6L, "received", 6L), 1000L), store.othersCounters("f", "b"));
            assertEquals(new StateStore.Counters(Map.of(), null), store.othersCounters("h", "a"));
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void eachInstanceReadsTheOtherInstancesRecentOutcomesSummedPerBucket(String database) throws Exception {
        try (Database db = Database.of(database, "recent-outcomes")) {
            StateStore store = db.store();
            store.saveOutcomeBuckets("a", List.of(new StateStore.OutcomeBucket("f", 5000, 10, 2, 8)), 0);
            store.saveOutcomeBuckets("b", List.of(new StateStore.OutcomeBucket("f", 5000, 4, 4, 0),
                    new StateStore.OutcomeBucket("f", 10000, 1, 0, 1)), 0);
            store.saveOutcomeBuckets("c", List.of(new StateStore.OutcomeBucket("f", 5000, 1, 1, 0)), 0);
            // b writes its bucket again, grown; and buckets before 5000 are forgotten
            store.saveOutcomeBuckets("b", List.of(new StateStore.OutcomeBucket("f", 0, 9, 9, 9),
                    new StateStore.OutcomeBucket("f", 10000, 3, 0, 3)), 5000);
            assertEquals(Set.of(new StateStore.OutcomeBucket("f", 5000, 5, 5, 0), new StateStore.OutcomeBucket("f", 10000, 3, 0, 3)),
                    Set.copyOf(store.othersOutcomeBuckets("a", 0)));
            assertEquals(List.of(new StateStore.OutcomeBucket("f", 10000, 3, 0, 3)), store.othersOutcomeBuckets("a", 10000));
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aFileIsClaimedByOneInstanceUntilItsClaimGoesStale(String database) throws Exception {
        try (Database db = Database.of(database, "file-claims")) {
            StateStore a = db.store();
            StateStore b = db.store();
            assertTrue(a.claimFile("f", "x.csv", "a", 1000, 0));
            assertFalse(b.claimFile("f", "x.csv", "b", 1001, 0), "a holds it");
            assertTrue(a.claimFile("f", "x.csv", "a", 1002, 0), "its holder may claim it again");
            a.renewFileClaims("a", 5000);
            assertFalse(b.claimFile("f", "x.csv", "b", 6000, 4000), "renewed after 4000: still a's");
            assertTrue(b.claimFile("f", "x.csv", "b", 9000, 8000), "a stopped renewing (killed): b takes it over");
            assertFalse(a.claimFile("f", "x.csv", "a", 9001, 8000));
            b.releaseFile("f", "x.csv", "b");
            assertTrue(a.claimFile("f", "x.csv", "a", 9002, 8000));
        }
    }

    static SyncConfig config() {
        return (SyncConfig) java.lang.reflect.Proxy.newProxyInstance(SyncConfig.class.getClassLoader(),
                new Class<?>[] { SyncConfig.class }, (proxy, method, args) -> switch (method.getName()) {
                    case "limits" -> java.lang.reflect.Proxy.newProxyInstance(SyncConfig.class.getClassLoader(),
                            new Class<?>[] { SyncConfig.Limits.class }, (p, m, a) -> switch (m.getName()) {
                                case "maxClockSkew" -> java.time.Duration.ofMinutes(5);
                                default -> throw new UnsupportedOperationException(m.getName());
                            });
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
