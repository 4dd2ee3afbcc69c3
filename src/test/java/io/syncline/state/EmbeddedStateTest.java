package io.syncline.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

import io.syncline.support.DataDirResource;
import io.syncline.support.StateDatabases;

/**
 * A single instance's versions and file checkpoints in RocksDB beside its H2 file: what a killed process wrote, and what
 * H2 held before.
 */
class EmbeddedStateTest {

    private static final String FLOW = "insurance-actuarial-risk";
    private static final long LATEST = Long.MAX_VALUE;

    @Test
    void versionsWrittenByAProcessKilledWithoutClosingAnythingAreThereWhenTheStoreOpensAgain() throws Exception {
        Path folder = Path.of("target", "test-data", "killed-versions").toAbsolutePath();
        DataDirResource.deleteRecursively(folder);
        Process writer = written(folder);
        // kill -9: no close, no flush of the in-memory table; only what reached the write-ahead log remains
        writer.destroyForcibly();
        assertTrue(writer.waitFor(30, TimeUnit.SECONDS));

        try (EmbeddedState reopened = EmbeddedState.open(folder)) {
            Map<String, Long> versions = reopened.versions(FLOW, List.of("RSK-1", "RSK-500", "RSK-1000", "RSK-1001"), LATEST);
            assertEquals(Map.of("RSK-1", 2001L, "RSK-500", 2500L, "RSK-1000", 3000L), versions);
            assertEquals(new StateStore.Checkpoint("risk.csv/4096/1", 1001), reopened.checkpoint(FLOW, "risk.csv"));
        }
    }

    @Test
    void aChunkStillRunningWhenTheStoreClosesGetsAnErrorInsteadOfAbortingTheJvm() throws Exception {
        Path folder = Path.of("target", "test-data", "closed-state").toAbsolutePath();
        DataDirResource.deleteRecursively(folder);
        EmbeddedState state = EmbeddedState.open(folder);
        state.saveCheckpoint(FLOW, "risk.csv", "risk.csv/1", 10);
        state.close();

        // before the guard each of these called into RocksDB's freed memory: undefined (here a read answered nothing, a
        // native abort ends the whole JVM)
        RocksDBException read = assertThrows(RocksDBException.class, () -> state.versions(FLOW, List.of("RSK-1"), LATEST));
        assertTrue(read.getMessage().contains("is closed"), read.getMessage());
        assertThrows(RocksDBException.class, () -> state.rememberHeld(FLOW, Map.of("RSK-1", 1L), Map.of("RSK-1", "e1"), Map.of()));
        assertThrows(RocksDBException.class, () -> state.checkpoint(FLOW, "risk.csv"));
        assertThrows(RocksDBException.class, () -> state.saveCheckpoint(FLOW, "risk.csv", "risk.csv/1", 20));
        assertThrows(RocksDBException.class, () -> state.clearCheckpoint(FLOW, "risk.csv"));
        // what was written before the close is there for the next process
        try (EmbeddedState reopened = EmbeddedState.open(folder)) {
            assertEquals(new StateStore.Checkpoint("risk.csv/1", 10), reopened.checkpoint(FLOW, "risk.csv"));
        }
    }

    @Test
    void aCloseWaitsForTheReadInFlightWhichAnswersFromTheOpenStore() throws Exception {
        Path folder = Path.of("target", "test-data", "close-in-flight").toAbsolutePath();
        DataDirResource.deleteRecursively(folder);
        EmbeddedState state = EmbeddedState.open(folder);
        state.rememberHeld(FLOW, Map.of("RSK-1", 7L), Map.of("RSK-1", "e1"), Map.of());
        CountDownLatch inFlight = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            // a chunk's read under way as the instance stops
            Future<Map<String, Long>> read = threads.submit(() -> state.whileOpen(() -> {
                inFlight.countDown();
                try {
                    assertTrue(goOn.await(30, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    throw new RocksDBException("interrupted");
                }
                return state.versions(FLOW, List.of("RSK-1"), LATEST);
            }));
            assertTrue(inFlight.await(30, TimeUnit.SECONDS));
            Future<?> close = threads.submit(state::close);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!state.closeWaiting()) {
                assertTrue(System.nanoTime() < until, "the close never came to wait");
                Thread.onSpinWait();
            }
            assertFalse(close.isDone(), "the close went ahead of the read in flight");
            goOn.countDown();
            assertEquals(Map.of("RSK-1", 7L), read.get(30, TimeUnit.SECONDS));
            close.get(30, TimeUnit.SECONDS);
            assertThrows(RocksDBException.class, () -> state.versions(FLOW, List.of("RSK-1"), LATEST));
        } finally {
            goOn.countDown();
            threads.shutdownNow();
        }
    }

    @Test
    void rocksDbsNativeLibraryIsTakenOutOfItsJarOnceAndLoadedFromBesideTheStore() throws Exception {
        Path folder = Path.of("target", "test-data", "native-library", "state", "versions.rocksdb").toAbsolutePath();
        DataDirResource.deleteRecursively(folder.getParent());
        // what an earlier RocksDB left
        Path earlier = Files.createDirectories(folder.resolveSibling("native").resolve("rocksdb-0badc0de"));
        Files.writeString(earlier.resolve("librocksdbjnijni-linux64.so"), "an earlier library");

        Path first = loadedLibrary(folder);
        assertTrue(Files.notExists(earlier), "an earlier RocksDB's copy is removed");
        // /proc/<pid>/maps names the real path
        Path besideTheStore = Files.createDirectories(folder.resolveSibling("native")).toRealPath();
        assertTrue(first.startsWith(besideTheStore), "RocksDB's library was loaded from " + first);
        FileTime taken = Files.getLastModifiedTime(first);
        assertEquals(first, loadedLibrary(folder), "a second start loads the same copy");
        assertEquals(taken, Files.getLastModifiedTime(first), "and does not take it out of the jar again");
    }

    /** Starts a writer on {@code folder}, answers the RocksDB library its process has mapped, and kills it. */
    private static Path loadedLibrary(Path folder) throws Exception {
        Process writer = written(folder);
        try {
            return Files.readAllLines(Path.of("/proc", String.valueOf(writer.pid()), "maps")).stream()
                    .filter(line -> line.contains("librocksdbjni")).map(line -> Path.of(line.substring(line.indexOf('/'))))
                    .findFirst().orElseThrow(() -> new AssertionError("the writer process mapped no RocksDB library"));
        } finally {
            writer.destroyForcibly();
            assertTrue(writer.waitFor(30, TimeUnit.SECONDS));
        }
    }

    /** A {@link Writer} process on {@code folder}, once it has written its versions. */
    private static Process written(Path folder) throws Exception {
        Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Writer.class.getName(), folder.toString())
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals("written")) {
                System.out.println("writer: " + line);
            }
            assertEquals("written", line, "the writer process wrote its versions");
        }
        return writer;
    }

    /** Writes 1,000 versions in five chunks with a checkpoint after each, says so and waits to be killed (or for its input to close). */
    public static final class Writer {
        public static void main(String[] args) throws Exception {
            EmbeddedState versions = EmbeddedState.open(Path.of(args[0]));
            for (int chunk = 0; chunk < 5; chunk++) {
                Map<String, Long> delivered = new HashMap<>();
                Map<String, String> eventIds = new HashMap<>();
                for (int i = chunk * 200 + 1; i <= (chunk + 1) * 200; i++) {
                    delivered.put("RSK-" + i, 2000L + i);
                    eventIds.put("RSK-" + i, "e" + i);
                }
                List<String> held = versions.hold(FLOW, delivered.keySet());
                versions.rememberHeld(FLOW, delivered, eventIds, versions.versions(FLOW, delivered.keySet(), LATEST));
                versions.letGo(held);
                versions.saveCheckpoint(FLOW, "risk.csv", "risk.csv/4096/1", (chunk + 1) * 200 + 1);
            }
            System.out.println("written");
            System.out.flush();
            // blocks until the test kills this process; if the test itself dies, its end of the pipe closes and this returns
            System.in.read();
        }
    }

    @Test
    void checkpointsAnEarlierReleaseKeptAmongTheVersionsAreReadAndAClearedOneStaysCleared() throws Exception {
        Path folder = Path.of("target", "test-data", "checkpoints-among-versions").toAbsolutePath();
        DataDirResource.deleteRecursively(folder);
        EmbeddedState.loadLibrary(folder.resolveSibling("native"));
        // as Syncline before session 16 left a store: one key space, a file stopped at line 601 and another at 201
        try (Options options = new Options().setCreateIfMissing(true); RocksDB earlier = RocksDB.open(options, folder.toString())) {
            earlier.put(bytes("v" + FLOW + "\u0000RSK-1"), ByteBuffer.allocate(Long.BYTES + 2).putLong(2001L).put(bytes("e1")).array());
            earlier.put(bytes("c" + FLOW + "\u0000risk.csv"), ByteBuffer.allocate(Long.BYTES + 15).putLong(601L).put(bytes("risk.csv/4096/1")).array());
            earlier.put(bytes("c" + FLOW + "\u0000b.csv"), ByteBuffer.allocate(Long.BYTES + 7).putLong(201L).put(bytes("b.csv/2")).array());
        }

        try (EmbeddedState store = EmbeddedState.open(folder)) {
            assertEquals(Map.of("RSK-1", 2001L), store.versions(FLOW, List.of("RSK-1", "RSK-2"), LATEST));
            assertEquals(new StateStore.Checkpoint("risk.csv/4096/1", 601), store.checkpoint(FLOW, "risk.csv"));
            // the file finishes: its checkpoint goes
            store.clearCheckpoint(FLOW, "risk.csv");
        }
        try (EmbeddedState store = EmbeddedState.open(folder)) {
            assertNull(store.checkpoint(FLOW, "risk.csv"), "a finished file's checkpoint does not come back at the next start");
            assertEquals(new StateStore.Checkpoint("b.csv/2", 201), store.checkpoint(FLOW, "b.csv"));
            assertEquals(Map.of("RSK-1", 2001L), store.versions(FLOW, List.of("RSK-1"), LATEST));
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void versionsAndCheckpointsAnEarlierReleaseKeptInH2MoveToRocksDbOnceAndNeverOverNewerOnes() throws Exception {
        Path dataDir = Path.of("target", "test-data", "moved-versions").toAbsolutePath();
        DataDirResource.deleteRecursively(dataDir);
        DataSource h2 = StateDatabases.h2(dataDir);
        try (StateStore store = new StateStore(h2, StateStoreTest.config())) {
            store.remember(FLOW, Map.of("NEWER-IN-ROCKSDB", 5000L), Map.of("NEWER-IN-ROCKSDB", "e-new"));
            store.saveCheckpoint(FLOW, "b.csv", "b.csv/2", 800);
            // as an earlier release left them: in H2's table
            try (Connection connection = h2.getConnection(); Statement insert = connection.createStatement()) {
                insert.executeUpdate("INSERT INTO sync_versions (flow, record_key, source_version, event_id) VALUES"
                        + " ('" + FLOW + "', 'ONLY-IN-H2', 1000, 'e1'), ('" + FLOW + "', 'NEWER-IN-ROCKSDB', 4000, 'e-old'),"
                        + " ('other-flow', 'ONLY-IN-H2', 7000, 'e2')");
                insert.executeUpdate("INSERT INTO sync_file_checkpoints (flow, file_name, file_identity, completed_line) VALUES"
                        + " ('" + FLOW + "', 'a.csv', 'a.csv/1', 400), ('" + FLOW + "', 'b.csv', 'b.csv/2', 200)");
            }

            // the first store still open, as a running instance's is: both share one RocksDB
            try (StateStore reopened = new StateStore(h2, StateStoreTest.config())) {
                assertEquals(Map.of("ONLY-IN-H2", 1000L, "NEWER-IN-ROCKSDB", 5000L),
                        reopened.versions(FLOW, List.of("ONLY-IN-H2", "NEWER-IN-ROCKSDB")));
                assertEquals(Map.of("ONLY-IN-H2", 7000L), reopened.versions("other-flow", List.of("ONLY-IN-H2")));
                assertEquals(Optional.of(new StateStore.Checkpoint("a.csv/1", 400)), reopened.checkpoint(FLOW, "a.csv"));
                assertEquals(Optional.of(new StateStore.Checkpoint("b.csv/2", 800)), reopened.checkpoint(FLOW, "b.csv"));
                try (Connection connection = h2.getConnection(); Statement count = connection.createStatement();
                        ResultSet rows = count.executeQuery("SELECT (SELECT COUNT(*) FROM sync_versions) + (SELECT COUNT(*) FROM sync_file_checkpoints)")) {
                    rows.next();
                    assertEquals(0, rows.getInt(1), "H2's tables are emptied once their rows moved");
                }
            }
        }
    }
}
