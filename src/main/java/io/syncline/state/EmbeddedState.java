package io.syncline.state;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.jboss.logging.Logger;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.rocksdb.util.Environment;

/**
 * What a single instance writes for every chunk, in RocksDB beside its embedded H2 store: the last delivered version of
 * every key, and the files' checkpoints. RocksDB is log-structured, so a chunk's versions are one append to its
 * write-ahead log and a sorted in-memory table whatever the order of the keys; H2's copy-on-write B-tree copied a page
 * for each upserted row, and each H2 commit wrote a chunk of its file: most of the file worker's time
 * (docs/benchmarks.md, issue 12). What the write-ahead log holds survives {@code kill -9}, as a committed H2 write did
 * ({@code WRITE_DELAY=0}, no sync to the disk on commit either). Kafka Streams and Flink keep their state the same way.
 *
 * <p>A version's key is {@code 'v' flow NUL record key}, its value the version (epoch milliseconds, 8 bytes) and the
 * event id; a checkpoint's key {@code 'c' flow NUL file name}, its value the completed line (8 bytes) and the file's
 * identity. An older version never replaces a newer one: every write of versions holds its keys from the read of the
 * stored ones to the write ({@link #hold}); one instance is the only writer of its embedded store.
 */
final class EmbeddedState implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EmbeddedState.class);
    /** One open database per folder in a process, shared by every store opened on it, closed with the last of them. */
    private static final Map<Path, EmbeddedState> OPEN = new HashMap<>();
    private static final char VERSION = 'v';
    private static final char CHECKPOINT = 'c';
    private static final byte[] CHECKPOINTS = "checkpoints".getBytes(StandardCharsets.UTF_8);

    private final Path folder;
    private final LRUCache cache;
    private final BloomFilter filter;
    private final DBOptions options;
    private final ColumnFamilyOptions versionOptions;
    private final ColumnFamilyOptions checkpointOptions;
    private final List<ColumnFamilyHandle> families = new ArrayList<>(2);
    private final RocksDB db;
    private final ColumnFamilyHandle checkpoints;
    private final WriteOptions writeOptions;
    /** The keys (flow NUL key) of chunks between their stale check and their version write; guarded by itself. */
    private final Set<String> heldKeys = new HashSet<>();
    private int users;
    private volatile boolean futureVersionReported;
    /**
     * Every use of the database holds the read lock, its close the write lock: a chunk still running when the instance
     * stops gets an error, not a call into freed native memory (RocksDB aborts the whole JVM on that).
     */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private EmbeddedState(Path folder) throws RocksDBException {
        this.folder = folder;
        loadLibrary(folder.resolveSibling("native"));
        // small memtables and cache: the heap is bounded (-Xmx256m) and so should be what lies beside it. LZ4, not
        // RocksDB's default Snappy: RocksDB's flushes and compactions of two 1M-row files took 3.8 CPU seconds instead
        // of 7.1 (docs/benchmarks.md, session 15); files written with Snappy before stay readable
        this.cache = new LRUCache(16L << 20);
        this.filter = new BloomFilter(10);
        this.options = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL).setKeepLogFileNum(2).setMaxBackgroundJobs(2)
                // the checkpoints' memtable hardly grows, and the log it was written to is kept until it is flushed
                .setMaxTotalWalSize(32L << 20);
        // a bloom filter over the memtable's keys too (a tenth of its size): a chunk of keys never seen before (a new
        // export, a new file's rows) is mostly answered without searching the memtable's skip list; multiGet of 200 new
        // keys took 0.44-0.55 us a key instead of 0.74-0.87 (docs/benchmarks.md, session 17)
        this.versionOptions = new ColumnFamilyOptions().setWriteBufferSize(8L << 20).setMaxWriteBufferNumber(2)
                .setMemtablePrefixBloomSizeRatio(0.1).setMemtableWholeKeyFiltering(true)
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(cache).setFilterPolicy(filter));
        // the same block cache: otherwise RocksDB gives the family a cache of its own beside the bounded one
        this.checkpointOptions = new ColumnFamilyOptions().setWriteBufferSize(1L << 20).setMaxWriteBufferNumber(2)
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(cache));
        RocksDB opened = null;
        try {
            Files.createDirectories(folder);
            opened = RocksDB.open(options, folder.toString(), List.of(
                    new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, versionOptions),
                    new ColumnFamilyDescriptor(CHECKPOINTS, checkpointOptions)), families);
            moveCheckpoints(opened, families.get(1));
        } catch (java.io.IOException | RocksDBException e) {
            closeFamilies();
            if (opened != null) {
                opened.close();
            }
            closeOptions();
            throw e instanceof RocksDBException r ? r : new RocksDBException("Cannot create " + folder + ": " + e.getMessage());
        }
        this.db = opened;
        this.checkpoints = families.get(1);
        this.writeOptions = new WriteOptions();
    }

    /**
     * Checkpoints an earlier Syncline kept among the versions move to their own column family, in one write. Only a
     * file stopped half-way has one, so there is seldom anything to move.
     */
    private static void moveCheckpoints(RocksDB db, ColumnFamilyHandle checkpoints) throws RocksDBException {
        try (RocksIterator stored = db.newIterator(); WriteBatch batch = new WriteBatch();
                WriteOptions write = new WriteOptions()) {
            for (stored.seek(new byte[] {CHECKPOINT}); stored.isValid() && stored.key()[0] == CHECKPOINT; stored.next()) {
                batch.put(checkpoints, stored.key(), stored.value());
                batch.delete(stored.key());
            }
            stored.status();
            if (batch.count() > 0) {
                db.write(write, batch);
                LOG.infof("File checkpoints: %d moved to their own column family", batch.count() / 2);
            }
        }
    }

    /**
     * RocksDB's native library (15 MB), taken out of its jar once into {@code dir} and loaded from there at every later
     * start. {@link RocksDB#loadLibrary()} copies it into {@code java.io.tmpdir} at every start (a tenth of a second of
     * the main thread's start) and leaves the copy behind when the process is killed. Where that cannot be done
     * (a folder the JVM may not execute from, a jar that does not carry the platform's library, ROCKSDB_SHAREDLIB_DIR
     * set), RocksDB's own loading.
     */
    static void loadLibrary(Path dir) {
        // the name RocksDB.loadLibrary(List) looks for in each folder (RocksJava 10 asks for "rocksdbjni", and so the
        // file is named librocksdbjnijni-linux64.so; should that change, the loading below falls back)
        String wanted = Environment.getJniLibraryFileName("rocksdbjni");
        if (System.getenv("ROCKSDB_SHAREDLIB_DIR") == null) {
            try {
                URL packed = RocksDB.class.getResource("/" + Environment.getJniLibraryFileName("rocksdb"));
                URLConnection connection = packed == null ? null : packed.openConnection();
                if (connection instanceof JarURLConnection jar) {
                    // the jar's own CRC of the library names the folder: a new RocksDB takes a new one
                    String name = String.format("rocksdb-%08x", jar.getJarEntry().getCrc());
                    Path folder = dir.resolve(name);
                    Path library = folder.resolve(wanted);
                    if (!Files.isRegularFile(library) || Files.size(library) != jar.getJarEntry().getSize()) {
                        unpack(connection, dir, folder, library);
                    }
                    RocksDB.loadLibrary(List.of(folder.toString()));
                    return;
                }
            } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
                LOG.infof("RocksDB's native library not loaded from %s (%s); RocksDB unpacks it into java.io.tmpdir", dir, e);
            }
        }
        RocksDB.loadLibrary();
    }

    /** The library whole or not at all (two instances starting on one folder, a start killed half-way); older ones gone. */
    private static void unpack(URLConnection connection, Path dir, Path folder, Path library) throws IOException {
        Files.createDirectories(folder);
        try (var old = Files.newDirectoryStream(dir)) {
            for (Path other : old) {
                if (!other.equals(folder) && other.getFileName().toString().startsWith("rocksdb-")) {
                    // an earlier RocksDB's copy: one instance per data folder, so no process of this one still uses it
                    try (var files = Files.list(other)) {
                        for (Path file : files.toList()) {
                            Files.deleteIfExists(file);
                        }
                    }
                    Files.deleteIfExists(other);
                }
            }
        }
        try (var parts = Files.newDirectoryStream(folder, "*.part")) {
            for (Path part : parts) {
                Files.deleteIfExists(part);
            }
        }
        Path part = Files.createTempFile(folder, library.getFileName().toString(), ".part");
        try (InputStream in = connection.getInputStream()) {
            Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
            Files.move(part, library, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /** The state in {@code folder}, opened once per process. */
    static EmbeddedState open(Path folder) throws RocksDBException {
        Path absolute = folder.toAbsolutePath().normalize();
        synchronized (OPEN) {
            EmbeddedState state = OPEN.get(absolute);
            if (state == null) {
                state = new EmbeddedState(absolute);
                OPEN.put(absolute, state);
            }
            state.users++;
            return state;
        }
    }

    /**
     * The stored versions of those keys that have one no later than {@code latestValid}. A later one (written before
     * source timestamps were bounded) counts as none: it would make every real update of its key look stale for ever,
     * so the next update replaces it.
     */
    Map<String, Long> versions(String flow, Collection<String> keys, long latestValid) throws RocksDBException {
        Map<String, Long> versions = new HashMap<>();
        if (keys.isEmpty()) {
            return versions;
        }
        List<String> asked = new ArrayList<>(keys);
        List<byte[]> values = whileOpen(() -> db.multiGetAsList(encodeKeys(VERSION, flow, asked)));
        for (int i = 0; i < values.size(); i++) {
            Long version = valid(values.get(i), latestValid);
            if (version != null) {
                versions.put(asked.get(i), version);
            }
        }
        return versions;
    }

    private Long valid(byte[] value, long latestValid) {
        if (value == null) {
            return null;
        }
        long version = ByteBuffer.wrap(value).getLong();
        if (version <= latestValid) {
            return version;
        }
        if (!futureVersionReported) {
            futureVersionReported = true;
            LOG.warnf("Version store: a stored version lies beyond sync.limits.max-clock-skew in the future; it counts as"
                    + " none, and the next update of its key replaces it");
        }
        return null;
    }

    /**
     * Waits until no other chunk holds any of these keys, then holds them all. A chunk never holds some keys while it
     * waits for others, so two chunks cannot wait on each other. Like PostgreSQL's advisory locks on a shared store, a
     * hold lasts from the stale check to the version write (or the chunk's end): two versions of one key reach the
     * target in version order whichever intake of the instance takes them.
     */
    List<String> hold(String flow, Collection<String> keys) throws InterruptedException {
        List<String> ids = new ArrayList<>(keys.size());
        for (String key : keys) {
            ids.add(flow + '\u0000' + key);
        }
        long since = System.nanoTime();
        synchronized (heldKeys) {
            while (anyHeld(ids)) {
                heldKeys.wait(TimeUnit.SECONDS.toMillis(30));
                long waited = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - since);
                if (waited >= 30 && anyHeld(ids)) {
                    LOG.warnf("Flow %s: a chunk has waited %d s for keys another chunk holds (that chunk's delivery is"
                            + " still being tried)", flow, waited);
                }
            }
            heldKeys.addAll(ids);
        }
        return ids;
    }

    private boolean anyHeld(List<String> ids) {
        for (String id : ids) {
            if (heldKeys.contains(id)) {
                return true;
            }
        }
        return false;
    }

    /** Lets go of keys {@link #hold} returned. */
    void letGo(List<String> ids) {
        synchronized (heldKeys) {
            for (String id : ids) {
                heldKeys.remove(id);
            }
            heldKeys.notifyAll();
        }
    }

    /**
     * Writes the versions of held keys that are newer than {@code before}, what was stored when they were taken: no
     * other chunk wrote them since, so there is nothing to read again.
     */
    void rememberHeld(String flow, Map<String, Long> delivered, Map<String, String> eventIds, Map<String, Long> before)
            throws RocksDBException {
        try (WriteBatch batch = new WriteBatch()) {
            for (Map.Entry<String, Long> version : delivered.entrySet()) {
                Long stored = before.get(version.getKey());
                if (stored == null || version.getValue() > stored) {
                    batch.put(key(VERSION, flow, version.getKey()), value(version.getValue(), eventIds.get(version.getKey())));
                }
            }
            if (batch.count() > 0) {
                whileOpen(() -> {
                    db.write(writeOptions, batch);
                    return null;
                });
            }
        }
    }

    /** The completed line of a file and the identity of the file it was saved for; null: none saved. */
    StateStore.Checkpoint checkpoint(String flow, String fileName) throws RocksDBException {
        byte[] value = whileOpen(() -> db.get(checkpoints, key(CHECKPOINT, flow, fileName)));
        if (value == null) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.wrap(value);
        long line = buffer.getLong();
        return new StateStore.Checkpoint(new String(value, Long.BYTES, value.length - Long.BYTES, StandardCharsets.UTF_8), line);
    }

    void saveCheckpoint(String flow, String fileName, String fileIdentity, long completedLine) throws RocksDBException {
        whileOpen(() -> {
            db.put(checkpoints, writeOptions, key(CHECKPOINT, flow, fileName), value(completedLine, fileIdentity));
            return null;
        });
    }

    void clearCheckpoint(String flow, String fileName) throws RocksDBException {
        whileOpen(() -> {
            db.delete(checkpoints, writeOptions, key(CHECKPOINT, flow, fileName));
            return null;
        });
    }

    interface NativeWork<T> {
        T on() throws RocksDBException;
    }

    /** Runs work on the database unless it is closed: then the caller's chunk fails and is tried again after the restart. */
    <T> T whileOpen(NativeWork<T> work) throws RocksDBException {
        Lock read = lifecycle.readLock();
        read.lock();
        try {
            if (closed) {
                throw new RocksDBException("The embedded state in " + folder + " is closed: the instance is stopping");
            }
            return work.on();
        } finally {
            read.unlock();
        }
    }

    private static List<byte[]> encodeKeys(char kind, String flow, List<String> keys) {
        List<byte[]> encoded = new ArrayList<>(keys.size());
        for (String key : keys) {
            encoded.add(key(kind, flow, key));
        }
        return encoded;
    }

    private static byte[] key(char kind, String flow, String key) {
        return (kind + flow + '\u0000' + key).getBytes(StandardCharsets.UTF_8);
    }

    /** A number (a version, a line) and a text after it (an event id, a file's identity). */
    private static byte[] value(long number, String text) {
        byte[] bytes = text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(Long.BYTES + bytes.length).putLong(number).put(bytes).array();
    }

    /** Lets go of this user's share; the last one closes the database (its memtables are in the log already). */
    @Override
    public void close() {
        synchronized (OPEN) {
            if (--users > 0) {
                return;
            }
            OPEN.remove(folder, this);
        }
        Lock write = lifecycle.writeLock();
        write.lock();
        try {
            closed = true;
            writeOptions.close();
            closeFamilies();
            db.close();
            closeOptions();
        } finally {
            write.unlock();
        }
    }

    /** A close waits for the work in flight (its tests' view of the lock). */
    boolean closeWaiting() {
        return lifecycle.hasQueuedThreads();
    }

    /** The column families' handles, closed before the database (RocksJava's order). */
    private void closeFamilies() {
        for (ColumnFamilyHandle family : families) {
            family.close();
        }
    }

    private void closeOptions() {
        options.close();
        versionOptions.close();
        checkpointOptions.close();
        filter.close();
        cache.close();
    }
}
