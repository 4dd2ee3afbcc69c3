package io.syncline.assessment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.syncline.config.SyncConfig;
import io.syncline.state.StateStore;
import io.syncline.support.DataDirResource;
import io.syncline.support.StateDatabases;

/**
 * The evidence on the embedded H2 default and on the PostgreSQL this machine runs: what two instances observe in the
 * same hour adds up, the peak is the highest, and hours that left the window are not counted.
 */
class EvidenceStoreTest {

    @ParameterizedTest
    @ValueSource(strings = { "h2", "postgresql" })
    void whatTwoInstancesObserveAddsUpWithinTheWindow(String database) throws Exception {
        Path dataDir = Path.of("target", "test-data", "evidence-store").toAbsolutePath();
        DataDirResource.deleteRecursively(dataDir);
        StateDatabases.Postgres postgres = database.equals("h2") ? null : new StateDatabases.Postgres();
        try {
            DataSource dataSource = postgres == null ? StateDatabases.h2(dataDir) : postgres.dataSource();
            observeTwice(dataSource);
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    private void observeTwice(DataSource dataSource) throws Exception {
        SyncConfig config = config();
        String flow = "test-" + System.nanoTime();
        Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);
        Instant at = hour.plusSeconds(1);

        // closed afterwards: the embedded store's RocksDB stays open until its last store lets go
        try (StateStore firstStore = new StateStore(dataSource, config)) {
            EvidenceStore first = new EvidenceStore(firstStore, config);
            // K1 changed an hour before (delivered earlier), changes twice more: two repeats; K2 is new
            first.observe(flow, at, List.of(new EvidenceStore.Delivery("K1", at.minusSeconds(600)),
                    new EvidenceStore.Delivery("K1", at.minusSeconds(300)), new EvidenceStore.Delivery("K2", at.minusSeconds(3))),
                    Map.of("K1", at.minusSeconds(3600).toEpochMilli()));
            first.targetCalled(flow, at, 2);
            // 40 days ago: outside the 30-day window
            first.observe(flow, at.minus(Duration.ofDays(40)), List.of(new EvidenceStore.Delivery("K9", null)), Map.of());
            first.flush();

            try (StateStore secondStore = new StateStore(dataSource, config)) {
                EvidenceStore second = new EvidenceStore(secondStore, config);
                second.observe(flow, hour.plusSeconds(2), List.of(new EvidenceStore.Delivery("K3", hour.minus(Duration.ofDays(2)))), Map.of());
                Evidence evidence = second.summary(hour.plusSeconds(3)).get(flow);

                assertEquals(4, evidence.records());
                assertEquals(2, evidence.chunks());
                assertEquals(2, evidence.repeatChanges());
                assertEquals(2.0, evidence.keyChangesPerDay());
                assertEquals(3, evidence.peakPerSecond());
                assertEquals(2, evidence.targetCalls());
                assertEquals(hour, evidence.since());
                assertEquals(1.0, evidence.daysObserved());
                assertEquals(4, evidence.lagged());
                assertEquals(1, evidence.recordsLaterThan(Duration.ofDays(1)));
                assertEquals("≤ PT5M", evidence.lagP50());
                assertEquals("≤ P4D", evidence.lagP99());
                assertFalse(second.summary(hour.plusSeconds(3)).containsKey(flow + "-other"));
            }
        }
    }

    private static SyncConfig config() {
        return (SyncConfig) java.lang.reflect.Proxy.newProxyInstance(SyncConfig.class.getClassLoader(),
                new Class<?>[] { SyncConfig.class }, (proxy, method, args) -> switch (method.getName()) {
                    case "limits" -> java.lang.reflect.Proxy.newProxyInstance(SyncConfig.class.getClassLoader(),
                            new Class<?>[] { SyncConfig.Limits.class }, (p, m, a) -> switch (m.getName()) {
                                case "maxClockSkew" -> Duration.ofMinutes(5);
                                default -> throw new UnsupportedOperationException(m.getName());
                            });
                    case "assessment" -> java.lang.reflect.Proxy.newProxyInstance(SyncConfig.class.getClassLoader(),
                            new Class<?>[] { AssessmentSettings.class }, (p, m, a) -> switch (m.getName()) {
                                case "window" -> Duration.ofDays(30);
                                default -> throw new UnsupportedOperationException(m.getName());
                            });
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
