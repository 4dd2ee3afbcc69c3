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
        assertEquals(Optional.empty(), store.claimIdempotencyKey(flow, "k", "e1", now, now - 60_000, now - 30_000));
        assertEquals(Optional.of(new StateStore.KeyHolder("e1", false)),
                store.claimIdempotencyKey(flow, "k", "e2", now, now - 60_000, now - 30_000));
        store.acceptIdempotencyKey(flow, "k", "e1");
        assertEquals(Optional.of(new StateStore.KeyHolder("e1", true)),
                store.claimIdempotencyKey(flow, "k", "e3", now, now - 60_000, now - 30_000));
        // a pending key whose request died long ago is taken over
        assertEquals(Optional.empty(), store.claimIdempotencyKey(flow, "k2", "e4", now - 100_000, 0, 0));
        assertEquals(Optional.empty(), store.claimIdempotencyKey(flow, "k2", "e5", now, now - 60_000, now - 30_000));
        store.close();
    }

    private static SyncConfig config(Path dataDir, Optional<String> url) {
        return (SyncConfig) java.lang.reflect.Proxy.newProxyInstance(SyncConfig.class.getClassLoader(),
                new Class<?>[] { SyncConfig.class }, (proxy, method, args) -> switch (method.getName()) {
                    case "dataDir" -> dataDir.toString();
                    case "state" -> java.lang.reflect.Proxy.newProxyInstance(SyncConfig.class.getClassLoader(),
                            new Class<?>[] { SyncConfig.State.class }, (p, m, a) -> switch (m.getName()) {
                                case "jdbcUrl" -> url;
                                default -> Optional.empty();
                            });
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

}
