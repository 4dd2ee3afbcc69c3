package io.syncline.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two instances sharing one PostgreSQL store, or two intakes of one instance on its embedded store, each take a version
 * of the same key at the same moment, round after round, as two webhooks (or a webhook and the nightly file) would: the
 * target never receives an older version after a newer one.
 */
class VersionRaceTest {

    static final int ROUNDS = 300;
    static final String FLOW = "race";
    static final String KEY = "CLM-1";

    @ParameterizedTest
    @ValueSource(strings = { "h2", "postgresql" })
    void twoDeliveriesRacingVersionsOfOneKeyDeliverThemInVersionOrder(String database) throws Exception {
        try (StateStoreTest.Database db = StateStoreTest.Database.of(database, "version-race")) {
            StateStore first = db.store();
            StateStore second = db.store();
            List<Long> target = Collections.synchronizedList(new ArrayList<>());
            CyclicBarrier together = new CyclicBarrier(2);
            ExecutorService instances = Executors.newFixedThreadPool(2);
            try {
                // each round, the two versions differ by one; which instance has the newer one alternates
                Future<?> a = instances.submit(() -> deliver(first, together, target, round -> 2L * round + 1 + round % 2));
                Future<?> b = instances.submit(() -> deliver(second, together, target, round -> 2L * round + 2 - round % 2));
                a.get(60, TimeUnit.SECONDS);
                b.get(60, TimeUnit.SECONDS);
            } finally {
                instances.shutdownNow();
            }

            for (int i = 1; i < target.size(); i++) {
                assertTrue(target.get(i) > target.get(i - 1),
                        "version " + target.get(i) + " reached the target after " + target.get(i - 1) + " (position " + i + ")");
            }
            // every round delivered its newer version, the older one at most before it
            assertTrue(target.size() >= ROUNDS, "delivered " + target.size());
            assertEquals(2L * ROUNDS, target.get(target.size() - 1));
            assertEquals(Map.of(KEY, 2L * ROUNDS), first.versions(FLOW, List.of(KEY)));
        }
    }

    interface VersionOfRound {
        long of(int round);
    }

    /** What the pipeline does with a chunk of one record: hold the key, drop it if stale, publish, remember. */
    private static Void deliver(StateStore store, CyclicBarrier together, List<Long> target, VersionOfRound versions)
            throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            long version = versions.of(round);
            together.await(10, TimeUnit.SECONDS);
            try (StateStore.KeyHold hold = store.hold(FLOW, List.of(KEY))) {
                Long delivered = hold.versions().get(KEY);
                if (delivered != null && version < delivered) {
                    continue;
                }
                target.add(version);
                // the target call takes a moment: the other instance has every chance to overtake
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(300));
                hold.remember(Map.of(KEY, version), Map.of(KEY, "e" + version));
            }
        }
        return null;
    }
}
