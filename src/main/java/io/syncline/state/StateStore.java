package io.syncline.state;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Default;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;
import org.rocksdb.RocksDBException;

import org.flywaydb.core.Flyway;

import io.agroal.api.AgroalDataSource;
import io.quarkus.arc.InjectableInstance;
import io.syncline.config.SyncConfig;

/**
 * Syncline's own state, in the Quarkus datasource that is active: an embedded H2 database under
 * {@code ${sync.data-dir}/state} (one instance) or, with {@code sync.state.jdbc-url}, a PostgreSQL database every
 * instance shares. Flyway migrates both with the same scripts ({@code db/state}). It holds the last delivered source
 * version (epoch milliseconds) of every key of every flow, each flow's last delivery, the webhooks' idempotency keys,
 * file checkpoints, pull cursors and paused flows. A single instance keeps what every chunk writes, the versions and the
 * file checkpoints, in RocksDB beside its H2 file ({@link EmbeddedState}): H2's B-tree copied a page for every upserted
 * version, and each commit wrote a chunk of H2's file.
 */
@ApplicationScoped
public class StateStore implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(StateStore.class);

    static final String MERGE_ACTIVITY = """
            MERGE INTO sync_flow_activity t
            USING (SELECT CAST(? AS VARCHAR(100)) AS flow, CAST(? AS BIGINT) AS last_success) s
            ON t.flow = s.flow
            WHEN MATCHED AND s.last_success > t.last_success THEN UPDATE SET last_success = s.last_success
            WHEN NOT MATCHED THEN INSERT (flow, last_success) VALUES (s.flow, s.last_success)""";
    static final String UPSERT_ACTIVITY = """
            INSERT INTO sync_flow_activity (flow, last_success) VALUES (?, ?)
            ON CONFLICT (flow) DO UPDATE SET last_success = EXCLUDED.last_success
            WHERE sync_flow_activity.last_success < EXCLUDED.last_success""";

    private static final String VERSION_ROW = "(CAST(? AS VARCHAR(100)), CAST(? AS VARCHAR(500)), CAST(? AS BIGINT), CAST(? AS VARCHAR(100)))";

    /** H2: one statement for a chunk's versions, {@code rows} rows of (flow, key, version, event id). */
    static String merge(int rows) {
        return "MERGE INTO sync_versions t USING (VALUES " + String.join(", ", java.util.Collections.nCopies(rows, VERSION_ROW))
                + ") AS s(flow, record_key, source_version, event_id)" + """

                ON t.flow = s.flow AND t.record_key = s.record_key
                WHEN MATCHED AND s.source_version > t.source_version THEN
                    UPDATE SET source_version = s.source_version, event_id = s.event_id
                WHEN NOT MATCHED THEN
                    INSERT (flow, record_key, source_version, event_id) VALUES (s.flow, s.record_key, s.source_version, s.event_id)""";
    }

    /**
     * PostgreSQL: the same in one atomic step that two instances may run at once (a MERGE racing an insert of the same
     * key fails there); the stale check is the {@code WHERE} of the update.
     */
    static String upsertVersions(int rows) {
        return "INSERT INTO sync_versions (flow, record_key, source_version, event_id) VALUES "
                + String.join(", ", java.util.Collections.nCopies(rows, VERSION_ROW)) + """

                ON CONFLICT (flow, record_key) DO UPDATE SET source_version = EXCLUDED.source_version, event_id = EXCLUDED.event_id
                WHERE sync_versions.source_version < EXCLUDED.source_version""";
    }

    private final DataSource dataSource;
    private final SyncConfig config;
    private final boolean postgresql;
    /** A single instance's versions and checkpoints, in RocksDB beside its H2 file; null: in the database. */
    private final EmbeddedState embedded;
    /** Whether this store let go of its share of the embedded state (a second close must not take another's). */
    private final AtomicBoolean closed = new AtomicBoolean();

    @Inject
    StateStore(@Any InjectableInstance<AgroalDataSource> dataSources, @Any InjectableInstance<Flyway> migrations,
            SyncConfig config) throws SQLException {
        this(migrated(dataSources.getActive(), migrations, config), config);
    }

    /**
     * The embedded H2 store migrated here, when the store is first needed ({@link StateStoreOpening} asks for it beside
     * Camel's configuration), not by Quarkus on the main thread before Camel starts: H2's open and its migrations were
     * about a second of a start (docs/benchmarks.md, session 20). A shared PostgreSQL store is migrated at start, as
     * the clustered Quartz needs its tables before it starts.
     */
    private static AgroalDataSource migrated(AgroalDataSource dataSource, InjectableInstance<Flyway> migrations,
            SyncConfig config) {
        if (!StateDatabaseConfig.sharedPostgresql(config.state().jdbcUrl().orElse(null))) {
            migrations.select(Default.Literal.INSTANCE).get().migrate();
        }
        return dataSource;
    }

    /** On a migrated database (tests build one with Flyway as the application does). */
    public StateStore(DataSource dataSource, SyncConfig config) throws SQLException {
        this.dataSource = dataSource;
        this.config = config;
        try (Connection connection = dataSource.getConnection()) {
            String product = connection.getMetaData().getDatabaseProductName();
            this.postgresql = product.toLowerCase().contains("postgres");
            String url = connection.getMetaData().getURL();
            LOG.infof("State store: %s %s", product, url.replaceAll("password=[^;&]*", "password=***"));
            clearFutureVersions(connection);
            this.embedded = postgresql ? null : embeddedState(url);
            try {
                if (embedded != null) {
                    moveVersions(connection);
                    moveCheckpoints(connection);
                }
                if (!postgresql) {
                    // one instance: a claim left in the store is its previous process's, killed before it let go
                    try (Statement clear = connection.createStatement()) {
                        clear.executeUpdate("DELETE FROM sync_file_claims");
                    }
                }
            } catch (SQLException | RuntimeException e) {
                // a store that failed half-way lets go of its share: the next try opens it again, and the last close
                // still closes RocksDB
                close();
                throw e;
            }
        }
    }

    /** RocksDB in {@code <H2 file>.rocksdb}, for an H2 store in a file (what the embedded default is); else none. */
    private static EmbeddedState embeddedState(String url) throws SQLException {
        java.util.regex.Matcher file = java.util.regex.Pattern.compile("^jdbc:h2:file:([^;]+)").matcher(url);
        if (!file.find()) {
            return null;
        }
        Path folder = Path.of(file.group(1) + ".rocksdb");
        try {
            return EmbeddedState.open(folder);
        } catch (RocksDBException e) {
            throw new SQLException("The embedded state in " + folder + " cannot be opened: " + e.getMessage(), e);
        } catch (UnsatisfiedLinkError e) {
            // RocksDB's native library is unpacked beside the store, else into java.io.tmpdir: a folder mounted noexec
            // cannot load it
            throw new SQLException("RocksDB's native library did not load (" + e.getMessage() + "); give the JVM a"
                    + " sync.data-dir or a -Djava.io.tmpdir it may execute from, or set ROCKSDB_SHAREDLIB_DIR", e);
        }
    }

    /**
     * Versions an earlier Syncline kept in H2's {@code sync_versions} move to RocksDB once: each is written there unless
     * a newer one is, then the table is emptied. Stopped half-way, the next start moves them again; nothing older wins.
     */
    private void moveVersions(Connection connection) throws SQLException {
        long moved = 0;
        try (Statement select = connection.createStatement();
                ResultSet rows = select.executeQuery(
                        "SELECT flow, record_key, source_version, event_id FROM sync_versions ORDER BY flow")) {
            String flow = null;
            Map<String, Long> versions = new HashMap<>();
            Map<String, String> eventIds = new HashMap<>();
            while (rows.next()) {
                if (!rows.getString(1).equals(flow) || versions.size() == 1000) {
                    rememberEmbedded(flow, versions, eventIds);
                    versions.clear();
                    eventIds.clear();
                    flow = rows.getString(1);
                }
                versions.put(rows.getString(2), rows.getLong(3));
                eventIds.put(rows.getString(2), rows.getString(4));
                moved++;
            }
            rememberEmbedded(flow, versions, eventIds);
        }
        if (moved > 0) {
            try (Statement delete = connection.createStatement()) {
                delete.executeUpdate("DELETE FROM sync_versions");
            }
            LOG.infof("Version store: %d version(s) moved from H2 to RocksDB", moved);
        }
    }

    /** Checkpoints an earlier Syncline kept in H2 move to RocksDB once, unless RocksDB has one for the file already. */
    private void moveCheckpoints(Connection connection) throws SQLException {
        int moved = 0;
        try (Statement select = connection.createStatement(); ResultSet rows = select.executeQuery(
                "SELECT flow, file_name, file_identity, completed_line FROM sync_file_checkpoints")) {
            while (rows.next()) {
                if (embedded(() -> embedded.checkpoint(rows.getString(1), rows.getString(2))) == null) {
                    embedded(() -> {
                        embedded.saveCheckpoint(rows.getString(1), rows.getString(2), rows.getString(3), rows.getLong(4));
                        return null;
                    });
                }
                moved++;
            }
        }
        if (moved > 0) {
            try (Statement delete = connection.createStatement()) {
                delete.executeUpdate("DELETE FROM sync_file_checkpoints");
            }
            LOG.infof("File checkpoints: %d moved from H2 to RocksDB", moved);
        }
    }

    /** Work on the embedded state. */
    @FunctionalInterface
    private interface EmbeddedWork<T> {
        T on() throws RocksDBException, SQLException;
    }

    /** Runs work on the embedded state, its failure as the store's. */
    private static <T> T embedded(EmbeddedWork<T> work) throws SQLException {
        try {
            return work.on();
        } catch (RocksDBException e) {
            throw new SQLException("The embedded state (RocksDB) failed: " + e.getMessage(), e);
        }
    }

    /**
     * Lets go of the embedded state (the last user closes it): the container does so at shutdown, whoever built a store
     * by hand does, so that no RocksDB is left open with its background threads when the JVM exits.
     */
    @PreDestroy
    @Override
    public void close() {
        if (embedded != null && closed.compareAndSet(false, true)) {
            embedded.close();
        }
    }

    /** Writes versions on the embedded store as a chunk does: its keys held, the stored versions read, the newer written. */
    private void rememberEmbedded(String flow, Map<String, Long> versions, Map<String, String> eventIds) throws SQLException {
        if (versions.isEmpty()) {
            return;
        }
        try (KeyHold hold = hold(flow, versions.keySet())) {
            hold.remember(versions, eventIds);
        }
    }

    /** The latest source version a stored one may be (see {@link #clearFutureVersions}). */
    private long latestValidVersion() {
        return System.currentTimeMillis() + config.limits().maxClockSkew().toMillis();
    }

    /** Whether several instances may share this store (PostgreSQL), rather than one (embedded H2). */
    public boolean shared() {
        return postgresql;
    }

    /** The stored versions of those keys that have one. */
    public Map<String, Long> versions(String flow, Collection<String> keys) throws SQLException {
        if (keys.isEmpty()) {
            return new HashMap<>();
        }
        if (embedded != null) {
            return embedded(() -> embedded.versions(flow, keys, latestValidVersion()));
        }
        try (Connection connection = dataSource.getConnection()) {
            return versions(connection, flow, keys);
        }
    }

    private static Map<String, Long> versions(Connection connection, String flow, Collection<String> keys) throws SQLException {
        Map<String, Long> versions = new HashMap<>();
        // Row values, so the whole primary key is the index condition: "flow = ? AND record_key IN (...)" makes H2
        // scan every row of the flow for each chunk, which grows with every key ever delivered (docs/benchmarks.md).
        String pairs = String.join(",", java.util.Collections.nCopies(keys.size(), "(?, ?)"));
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT record_key, source_version FROM sync_versions WHERE (flow, record_key) IN (" + pairs + ")")) {
            int i = 1;
            for (String key : keys) {
                select.setString(i++, flow);
                select.setString(i++, key);
            }
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    versions.put(rows.getString(1), rows.getLong(2));
                }
            }
        }
        return versions;
    }

    /**
     * A chunk's hold on its keys, from the stale check until its versions are written: no other instance, consumer or
     * intake checks, publishes or writes any of these keys meanwhile, so two versions of one key reach the target in
     * version order. On a shared store one transaction holding PostgreSQL advisory locks, one per key, released by its
     * commit or rollback; on the embedded store the instance's own hold ({@link EmbeddedState#hold}). On an H2 store
     * without RocksDB (in memory) it holds nothing and writes at once.
     */
    public final class KeyHold implements AutoCloseable {
        private final String flow;
        private final Connection connection;
        private final List<String> embeddedKeys;
        private final Map<String, Long> versions;
        private boolean open = true;

        private KeyHold(String flow, Connection connection, List<String> embeddedKeys, Map<String, Long> versions) {
            this.flow = flow;
            this.connection = connection;
            this.embeddedKeys = embeddedKeys;
            this.versions = versions;
        }

        /** Whether other chunks wait for this hold until it is closed, rather than nothing being held. */
        public boolean holdsKeys() {
            return connection != null || embeddedKeys != null;
        }

        /** The versions delivered before, read once the keys were held. */
        public Map<String, Long> versions() {
            return versions;
        }

        /** Writes the delivered versions and lets go of the keys. */
        public void remember(Map<String, Long> delivered, Map<String, String> eventIds) throws SQLException {
            try {
                if (embeddedKeys != null) {
                    embedded(() -> {
                        embedded.rememberHeld(flow, delivered, eventIds, versions);
                        return null;
                    });
                } else if (connection == null) {
                    StateStore.this.remember(flow, delivered, eventIds);
                } else if (!delivered.isEmpty()) {
                    writeVersions(connection, flow, delivered, eventIds);
                    connection.commit();
                }
            } finally {
                close();
            }
        }

        /** Lets go of the keys without writing (nothing was delivered, or the chunk failed). Idempotent. */
        @Override
        public synchronized void close() {
            if (!open) {
                return;
            }
            open = false;
            if (embeddedKeys != null) {
                embedded.letGo(embeddedKeys);
            }
            if (connection == null) {
                return;
            }
            try {
                if (!connection.isClosed()) {
                    connection.rollback();
                    connection.setAutoCommit(true);
                    connection.close();
                }
            } catch (SQLException e) {
                LOG.debugf("A key hold did not close cleanly: %s", e.getMessage());
            }
        }
    }

    /**
     * Whether a {@link KeyHold} makes other chunks wait (the embedded RocksDB store, PostgreSQL), so two chunks of one
     * file may be in flight at once and still deliver a key's versions in file order; an H2 store in memory holds
     * nothing.
     */
    public boolean holdsKeys() {
        return postgresql || embedded != null;
    }

    /** Holds the keys (see {@link KeyHold}) and reads their versions. */
    public KeyHold hold(String flow, Collection<String> keys) throws SQLException {
        if (embedded != null && !keys.isEmpty()) {
            List<String> held;
            try {
                held = embedded.hold(flow, keys);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("Interrupted while waiting for keys another chunk holds", e);
            }
            try {
                return new KeyHold(flow, null, held, versions(flow, keys));
            } catch (SQLException | RuntimeException e) {
                embedded.letGo(held);
                throw e;
            }
        }
        if (!postgresql || keys.isEmpty()) {
            return new KeyHold(flow, null, null, versions(flow, keys));
        }
        Connection connection = dataSource.getConnection();
        try {
            connection.setAutoCommit(false);
            // one lock id per key, taken in ascending order, so two chunks sharing keys never wait on each other in a cycle
            Set<Long> lockIds = new TreeSet<>();
            for (String key : keys) {
                lockIds.add(lockId(flow, key));
            }
            try (PreparedStatement lock = connection.prepareStatement(
                    "SELECT pg_advisory_xact_lock(id) FROM (SELECT unnest(?::bigint[]) AS id ORDER BY 1) ids")) {
                lock.setArray(1, connection.createArrayOf("bigint", lockIds.toArray()));
                lock.executeQuery().close();
            }
            return new KeyHold(flow, connection, null, versions(connection, flow, keys));
        } catch (SQLException | RuntimeException e) {
            // the connection goes back to the pool whatever the rollback says: it may hold the chunk's advisory locks
            try (connection) {
                connection.rollback();
            } catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** 64 bits of SHA-256 of flow and key: another key sharing them only waits a little longer. */
    static long lockId(String flow, String key) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest((flow + '\u0000' + key).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.nio.ByteBuffer.wrap(digest).getLong();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Remembers delivered versions, one key once, in one statement per chunk; an older version never replaces a newer
     * one.
     */
    public void remember(String flow, Map<String, Long> versions, Map<String, String> eventIds) throws SQLException {
        if (versions.isEmpty()) {
            return;
        }
        if (embedded != null) {
            rememberEmbedded(flow, versions, eventIds);
            return;
        }
        try (Connection connection = dataSource.getConnection()) {
            writeVersions(connection, flow, versions, eventIds);
        }
    }

    private void writeVersions(Connection connection, String flow, Map<String, Long> versions, Map<String, String> eventIds)
            throws SQLException {
        if (versions.isEmpty()) {
            return;
        }
        try (PreparedStatement write = connection.prepareStatement(
                postgresql ? upsertVersions(versions.size()) : merge(versions.size()))) {
            int i = 1;
            for (Map.Entry<String, Long> version : versions.entrySet()) {
                write.setString(i++, flow);
                write.setString(i++, version.getKey());
                write.setLong(i++, version.getValue());
                write.setString(i++, eventIds.get(version.getKey()));
            }
            write.executeUpdate();
        }
    }

    /**
     * What a key already stands for: an accepted event, or one whose enqueue has not finished, and the SHA-256 of the
     * body it was used with (null for keys stored before keys were bound to bodies).
     */
    public record KeyHolder(String eventId, boolean accepted, String bodyHash) {
    }

    /**
     * Reserves an idempotency key for an event and its body (pending until {@link #acceptIdempotencyKey}), or returns
     * who holds it. An accepted key older than {@code oldestValid}, or a pending one older than {@code oldestPending}
     * (its request died before it was answered), is taken over by the new event: only if it still holds what was
     * read, so two instances taking over the same key cannot both win.
     */
    public Optional<KeyHolder> claimIdempotencyKey(String flow, String key, String eventId, String bodyHash,
            long now, long oldestValid, long oldestPending) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            Optional<StoredKey> stored = storedKey(connection, flow, key);
            if (stored.isPresent()) {
                StoredKey held = stored.get();
                if (held.createdAt() >= (held.holder().accepted() ? oldestValid : oldestPending)) {
                    return Optional.of(held.holder());
                }
                try (PreparedStatement takeOver = connection.prepareStatement("UPDATE sync_idempotency"
                        + " SET event_id = ?, created_at = ?, accepted = FALSE, body_hash = ?"
                        + " WHERE flow = ? AND idempotency_key = ? AND event_id = ? AND created_at = ?")) {
                    takeOver.setString(1, eventId);
                    takeOver.setLong(2, now);
                    takeOver.setString(3, bodyHash);
                    takeOver.setString(4, flow);
                    takeOver.setString(5, key);
                    takeOver.setString(6, held.holder().eventId());
                    takeOver.setLong(7, held.createdAt());
                    if (takeOver.executeUpdate() == 1) {
                        return Optional.empty();
                    }
                }
                // another instance took it over between the read and the update: it holds the key now
                return storedKey(connection, flow, key).map(StoredKey::holder).or(() -> Optional.of(new KeyHolder("", false, bodyHash)));
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO sync_idempotency"
                    + " (flow, idempotency_key, event_id, created_at, accepted, body_hash) VALUES (?, ?, ?, ?, FALSE, ?)")) {
                insert.setString(1, flow);
                insert.setString(2, key);
                insert.setString(3, eventId);
                insert.setLong(4, now);
                insert.setString(5, bodyHash);
                insert.executeUpdate();
            } catch (SQLException conflict) {
                // another instance took the key between the two statements
                Optional<StoredKey> winner = storedKey(connection, flow, key);
                if (winner.isPresent()) {
                    return Optional.of(winner.get().holder());
                }
                throw conflict;
            }
            return Optional.empty();
        }
    }

    private record StoredKey(KeyHolder holder, long createdAt) {
    }

    private static Optional<StoredKey> storedKey(Connection connection, String flow, String key) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT event_id, created_at, accepted, body_hash"
                + " FROM sync_idempotency WHERE flow = ? AND idempotency_key = ?")) {
            select.setString(1, flow);
            select.setString(2, key);
            try (ResultSet row = select.executeQuery()) {
                return row.next()
                        ? Optional.of(new StoredKey(new KeyHolder(row.getString(1), row.getBoolean(3), row.getString(4)), row.getLong(2)))
                        : Optional.empty();
            }
        }
    }

    /** Forgets accepted keys older than {@code oldestValid} and pending ones older than {@code oldestPending}. */
    public int purgeIdempotencyKeys(long oldestValid, long oldestPending) throws SQLException {
        return update("DELETE FROM sync_idempotency WHERE (accepted = TRUE AND created_at < ?) OR (accepted = FALSE AND created_at < ?)",
                oldestValid, oldestPending);
    }

    /** The event of this key is durable in the broker: repeats now get its id. */
    public void acceptIdempotencyKey(String flow, String key, String eventId) throws SQLException {
        update("UPDATE sync_idempotency SET accepted = TRUE WHERE flow = ? AND idempotency_key = ? AND event_id = ?", flow, key, eventId);
    }

    public void releaseIdempotencyKey(String flow, String key, String eventId) throws SQLException {
        update("DELETE FROM sync_idempotency WHERE flow = ? AND idempotency_key = ? AND event_id = ?", flow, key, eventId);
    }

    /** When each flow last delivered (epoch milliseconds), whichever instance delivered it. */
    public Map<String, Long> lastSuccesses() throws SQLException {
        Map<String, Long> successes = new HashMap<>();
        query("SELECT flow, last_success FROM sync_flow_activity", row -> successes.put(row.getString(1), row.getLong(2)));
        return successes;
    }

    public void recordSuccess(String flow, long epochMillis) throws SQLException {
        update(postgresql ? UPSERT_ACTIVITY : MERGE_ACTIVITY, flow, epochMillis);
    }

    /** The last completed line of a file, with the identity of the file it was saved for. */
    public record Checkpoint(String fileIdentity, long completedLine) {
    }

    public Optional<Checkpoint> checkpoint(String flow, String fileName) throws SQLException {
        if (embedded != null) {
            return Optional.ofNullable(embedded(() -> embedded.checkpoint(flow, fileName)));
        }
        List<Checkpoint> found = new ArrayList<>(1);
        query("SELECT file_identity, completed_line FROM sync_file_checkpoints WHERE flow = ? AND file_name = ?",
                row -> found.add(new Checkpoint(row.getString(1), row.getLong(2))), flow, fileName);
        return found.stream().findFirst();
    }

    public void saveCheckpoint(String flow, String fileName, String fileIdentity, long completedLine) throws SQLException {
        if (embedded != null) {
            embedded(() -> {
                embedded.saveCheckpoint(flow, fileName, fileIdentity, completedLine);
                return null;
            });
            return;
        }
        upsert("sync_file_checkpoints", List.of("flow", "file_name"), List.of("file_identity", "completed_line"),
                flow, fileName, fileIdentity, completedLine);
    }

    public void clearCheckpoint(String flow, String fileName) throws SQLException {
        if (embedded != null) {
            embedded(() -> {
                embedded.clearCheckpoint(flow, fileName);
                return null;
            });
            return;
        }
        update("DELETE FROM sync_file_checkpoints WHERE flow = ? AND file_name = ?", flow, fileName);
    }

    public Optional<String> cursor(String flow) throws SQLException {
        List<String> found = new ArrayList<>(1);
        query("SELECT cursor_value FROM sync_pull_cursors WHERE flow = ?", row -> found.add(row.getString(1)), flow);
        return found.stream().findFirst();
    }

    public void saveCursor(String flow, String cursor) throws SQLException {
        upsert("sync_pull_cursors", List.of("flow"), List.of("cursor_value"), flow, cursor);
    }

    /** The flows an operator paused, on whichever instance. */
    public Set<String> pausedFlows() throws SQLException {
        Set<String> paused = new TreeSet<>();
        query("SELECT flow FROM sync_paused_flows", row -> paused.add(row.getString(1)));
        return paused;
    }

    public void setPaused(String flow, boolean paused, long now) throws SQLException {
        if (paused) {
            upsert("sync_paused_flows", List.of("flow"), List.of("paused_at"), flow, now);
        } else {
            update("DELETE FROM sync_paused_flows WHERE flow = ?", flow);
        }
    }

    /** Writes this instance's counters (flow, outcome, count since {@code startedAt}), replacing what it wrote before. */
    public void saveCounters(String instanceId, long startedAt, Map<String, Map<String, Long>> counts) throws SQLException {
        for (Map.Entry<String, Map<String, Long>> flow : counts.entrySet()) {
            for (Map.Entry<String, Long> outcome : flow.getValue().entrySet()) {
                upsert("sync_flow_counters", List.of("flow", "outcome", "instance_id"), List.of("started_at", "record_count"),
                        flow.getKey(), outcome.getKey(), instanceId, startedAt, outcome.getValue());
            }
        }
    }

    /** The other instances' counters of a flow, summed by outcome, and when the first of them started counting. */
    public record Counters(Map<String, Long> byOutcome, Long since) {
    }

    public Counters othersCounters(String flow, String instanceId) throws SQLException {
        Map<String, Long> byOutcome = new HashMap<>();
        long[] since = { Long.MAX_VALUE };
        query("SELECT outcome, SUM(record_count), MIN(started_at) FROM sync_flow_counters"
                + " WHERE flow = ? AND instance_id <> ? GROUP BY outcome", row -> {
                    byOutcome.put(row.getString(1), row.getLong(2));
                    since[0] = Math.min(since[0], row.getLong(3));
                }, flow, instanceId);
        return new Counters(byOutcome, byOutcome.isEmpty() ? null : since[0]);
    }

    /** Five seconds of a flow's outcomes on one instance: records received, delivered, failed. */
    public record OutcomeBucket(String flow, long start, long received, long delivered, long failed) {
    }

    /** Writes this instance's buckets (replacing what it wrote for the same ones) and forgets its own older than {@code oldest}. */
    public void saveOutcomeBuckets(String instanceId, List<OutcomeBucket> buckets, long oldest) throws SQLException {
        for (OutcomeBucket bucket : buckets) {
            upsert("sync_recent_outcomes", List.of("flow", "instance_id", "bucket_start"), List.of("received", "delivered", "failed"),
                    bucket.flow(), instanceId, bucket.start(), bucket.received(), bucket.delivered(), bucket.failed());
        }
        update("DELETE FROM sync_recent_outcomes WHERE bucket_start < ?", oldest);
    }

    /** The other instances' buckets from {@code oldest} on, summed per flow and bucket. */
    public List<OutcomeBucket> othersOutcomeBuckets(String instanceId, long oldest) throws SQLException {
        List<OutcomeBucket> buckets = new ArrayList<>();
        query("SELECT flow, bucket_start, SUM(received), SUM(delivered), SUM(failed) FROM sync_recent_outcomes"
                + " WHERE instance_id <> ? AND bucket_start >= ? GROUP BY flow, bucket_start",
                row -> buckets.add(new OutcomeBucket(row.getString(1), row.getLong(2), row.getLong(3), row.getLong(4), row.getLong(5))),
                instanceId, oldest);
        return buckets;
    }

    /**
     * Claims a file of a shared inbox for this instance: true when no one holds it, this instance already does, or
     * its holder stopped renewing the claim before {@code staleBefore} (it was killed). One statement, so two
     * instances claiming at once cannot both win.
     */
    public boolean claimFile(String flow, String fileName, String instanceId, long now, long staleBefore) throws SQLException {
        String sql = postgresql
                ? "INSERT INTO sync_file_claims (flow, file_name, instance_id, renewed_at) VALUES (?, ?, ?, ?)"
                        + " ON CONFLICT (flow, file_name) DO UPDATE SET instance_id = EXCLUDED.instance_id, renewed_at = EXCLUDED.renewed_at"
                        + " WHERE sync_file_claims.instance_id = EXCLUDED.instance_id OR sync_file_claims.renewed_at < ?"
                : "MERGE INTO sync_file_claims t USING (SELECT CAST(? AS VARCHAR(100)) AS flow, CAST(? AS VARCHAR(500)) AS file_name,"
                        + " CAST(? AS VARCHAR(200)) AS instance_id, CAST(? AS BIGINT) AS renewed_at) s"
                        + " ON t.flow = s.flow AND t.file_name = s.file_name"
                        + " WHEN MATCHED AND (t.instance_id = s.instance_id OR t.renewed_at < ?) THEN"
                        + " UPDATE SET instance_id = s.instance_id, renewed_at = s.renewed_at"
                        + " WHEN NOT MATCHED THEN INSERT (flow, file_name, instance_id, renewed_at)"
                        + " VALUES (s.flow, s.file_name, s.instance_id, s.renewed_at)";
        return update(sql, flow, fileName, instanceId, now, staleBefore) == 1;
    }

    /** Keeps this instance's claims alive while it works on them. */
    public int renewFileClaims(String instanceId, long now) throws SQLException {
        return update("UPDATE sync_file_claims SET renewed_at = ? WHERE instance_id = ?", now, instanceId);
    }

    public void releaseFile(String flow, String fileName, String instanceId) throws SQLException {
        update("DELETE FROM sync_file_claims WHERE flow = ? AND file_name = ? AND instance_id = ?", flow, fileName, instanceId);
    }

    /** Work on a connection of the store's database. */
    @FunctionalInterface
    public interface Work<T> {
        T on(Connection connection) throws SQLException;
    }

    /** Runs work on the store's database: the assessment keeps its evidence here, next to the versions. */
    public <T> T use(Work<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return work.on(connection);
        }
    }

    /** Insert or replace one row by its key columns; key values first, then the other columns', in order. */
    private int upsert(String table, List<String> keyColumns, List<String> valueColumns, Object... values) throws SQLException {
        List<String> columns = new ArrayList<>(keyColumns);
        columns.addAll(valueColumns);
        String placeholders = String.join(", ", java.util.Collections.nCopies(columns.size(), "?"));
        String sql = postgresql
                ? "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES (" + placeholders + ") ON CONFLICT ("
                        + String.join(", ", keyColumns) + ") DO UPDATE SET "
                        + String.join(", ", valueColumns.stream().map(c -> c + " = EXCLUDED." + c).toList())
                : "MERGE INTO " + table + " (" + String.join(", ", columns) + ") KEY (" + String.join(", ", keyColumns)
                        + ") VALUES (" + placeholders + ")";
        return update(sql, values);
    }

    /** One row of a {@link #query}'s result. */
    @FunctionalInterface
    private interface RowReader {
        void read(ResultSet row) throws SQLException;
    }

    /** Runs a select with its parameters, handing each row to {@code reader}. */
    private void query(String sql, RowReader reader, Object... values) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                select.setObject(i + 1, values[i]);
            }
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    reader.read(rows);
                }
            }
        }
    }

    private int update(String sql, Object... values) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                statement.setObject(i + 1, values[i]);
            }
            return statement.executeUpdate();
        }
    }

    /**
     * A version stored further in the future than {@code sync.limits.max-clock-skew} (accepted before source timestamps
     * were bounded) would make every real update of its key look stale for ever: it is forgotten, so the next update
     * of the key is delivered and becomes the version to beat.
     */
    private void clearFutureVersions(Connection connection) throws SQLException {
        long latest = latestValidVersion();
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM sync_versions WHERE source_version > ?")) {
            delete.setLong(1, latest);
            int cleared = delete.executeUpdate();
            if (cleared > 0) {
                LOG.warnf("Version store: %d stored version(s) lay beyond sync.limits.max-clock-skew in the future and were"
                        + " cleared; the next update of those keys is delivered", cleared);
            }
        }
    }
}
