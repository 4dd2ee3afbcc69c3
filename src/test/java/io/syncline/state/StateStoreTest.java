package io.syncline.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.syncline.config.SyncConfig;
import io.syncline.support.DataDirResource;

/** The same store code on the embedded H2 default and on the PostgreSQL this machine runs (127.0.0.1:5432). */
class StateStoreTest {

    static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";

    static List<String> databases() {
        return List.of("h2", POSTGRES);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void anOlderVersionNeverReplacesANewerOneAndVersionsSurviveANewConnection(String database) throws Exception {
        Path dataDir = Path.of("target", "test-data", "version-store").toAbsolutePath();
        DataDirResource.deleteRecursively(dataDir);
        Optional<String> url = database.equals("h2") ? Optional.empty() : Optional.of(database);
        String flow = "test-" + System.nanoTime();
        if (url.isPresent()) {
            try (Connection c = DriverManager.getConnection(url.get()); Statement s = c.createStatement()) {
                s.execute(StateStore.CREATE);
            }
        }

        StateStore store = new StateStore(config(dataDir, url));
        store.remember(flow, Map.of("K1", 2000L, "K2", 1000L), Map.of("K1", "e1", "K2", "e2"));
        store.remember(flow, Map.of("K1", 1500L, "K2", 3000L), Map.of("K1", "e3", "K2", "e4"));
        store.close();

        StateStore reopened = new StateStore(config(dataDir, url));
        assertEquals(Map.of("K1", 2000L, "K2", 3000L), reopened.versions(flow, List.of("K1", "K2", "K3")));
        reopened.close();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void anIdempotencyKeyIsPendingUntilItsEventIsAcceptedAndOnlyThenAnsweredWithItsEventId(String database) throws Exception {
        Path dataDir = Path.of("target", "test-data", "idempotency-store").toAbsolutePath();
        DataDirResource.deleteRecursively(dataDir);
        Optional<String> url = database.equals("h2") ? Optional.empty() : Optional.of(database);
        if (url.isPresent()) {
            try (Connection c = DriverManager.getConnection(url.get()); Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS sync_idempotency");
            }
        }
        StateStore store = new StateStore(config(dataDir, url));
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
        store.close();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void expiredIdempotencyKeysArePurgedAndKeysInTheirWindowAreKept(String database) throws Exception {
        Path dataDir = Path.of("target", "test-data", "idempotency-purge").toAbsolutePath();
        DataDirResource.deleteRecursively(dataDir);
        Optional<String> url = database.equals("h2") ? Optional.empty() : Optional.of(database);
        StateStore store = new StateStore(config(dataDir, url));
        String flow = "test-" + System.nanoTime();
        long now = System.currentTimeMillis();
        store.claimIdempotencyKey(flow, "expired", "e1", "h", now - 90_000, 0, 0);
        store.acceptIdempotencyKey(flow, "expired", "e1");
        store.claimIdempotencyKey(flow, "abandoned", "e2", "h", now - 40_000, 0, 0);
        store.claimIdempotencyKey(flow, "valid", "e3", "h", now - 10_000, 0, 0);
        store.acceptIdempotencyKey(flow, "valid", "e3");
        store.claimIdempotencyKey(flow, "pending", "e4", "h", now - 10_000, 0, 0);

        // at least these two: a PostgreSQL shared with other runs may hold expired keys of its own
        int purged = store.purgeIdempotencyKeys(now - 60_000, now - 30_000);
        org.junit.jupiter.api.Assertions.assertTrue(purged >= 2, "purged " + purged);
        // what is left still answers for its key; what was purged is free again
        assertEquals(Optional.of(new StateStore.KeyHolder("e3", true, "h")),
                store.claimIdempotencyKey(flow, "valid", "e5", "h", now, 0, 0));
        assertEquals(Optional.of(new StateStore.KeyHolder("e4", false, "h")),
                store.claimIdempotencyKey(flow, "pending", "e6", "h", now, 0, now - 30_000));
        assertEquals(Optional.empty(), store.claimIdempotencyKey(flow, "expired", "e7", "h", now, now - 60_000, now - 30_000));
        assertEquals(Optional.empty(), store.claimIdempotencyKey(flow, "abandoned", "e8", "h", now, now - 60_000, now - 30_000));
        store.close();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aVersionStoredInTheFutureIsClearedSoTheNextUpdateOfItsKeyGoesThrough(String database) throws Exception {
        Path dataDir = Path.of("target", "test-data", "future-versions").toAbsolutePath();
        DataDirResource.deleteRecursively(dataDir);
        Optional<String> url = database.equals("h2") ? Optional.empty() : Optional.of(database);
        String flow = "test-" + System.nanoTime();
        long farFuture = java.time.Instant.parse("9999-12-31T23:59:59Z").toEpochMilli();
        long soon = System.currentTimeMillis() + 60_000;
        StateStore store = new StateStore(config(dataDir, url));
        // as a store written before source timestamps were bounded holds them
        store.remember(flow, Map.of("PINNED", farFuture, "NEAR", soon), Map.of("PINNED", "e1", "NEAR", "e2"));
        store.close();

        StateStore reopened = new StateStore(config(dataDir, url));
        assertEquals(Map.of("NEAR", soon), reopened.versions(flow, List.of("PINNED", "NEAR")));
        reopened.close();
    }

    private static SyncConfig config(Path dataDir, Optional<String> url) {
        return (SyncConfig) java.lang.reflect.Proxy.newProxyInstance(SyncConfig.class.getClassLoader(),
                new Class<?>[] { SyncConfig.class }, (proxy, method, args) -> switch (method.getName()) {
                    case "dataDir" -> dataDir.toString();
                    case "limits" -> java.lang.reflect.Proxy.newProxyInstance(SyncConfig.class.getClassLoader(),
                            new Class<?>[] { SyncConfig.Limits.class }, (p, m, a) -> switch (m.getName()) {
                                case "maxClockSkew" -> java.time.Duration.ofMinutes(5);
                                default -> throw new UnsupportedOperationException(m.getName());
                            });
                    case "state" -> java.lang.reflect.Proxy.newProxyInstance(SyncConfig.class.getClassLoader(),
                            new Class<?>[] { SyncConfig.State.class }, (p, m, a) -> switch (m.getName()) {
                                case "jdbcUrl" -> url;
                                default -> Optional.empty();
                            });
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

}
