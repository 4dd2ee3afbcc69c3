package io.syncline.state;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.syncline.config.SyncConfig;

/**
 * Syncline's own state, in an embedded H2 database under {@code ${sync.data-dir}/state} or, with
 * {@code sync.state.jdbc-url}, in PostgreSQL (the same SQL, standard MERGE, runs on both): the last delivered
 * source version (epoch milliseconds) of every key of every flow, each flow's last delivery, and the webhooks'
 * idempotency keys. It survives restarts; several instances share it through PostgreSQL.
 */
@ApplicationScoped
public class StateStore {

    private static final Logger LOG = Logger.getLogger(StateStore.class);

    static final String CREATE = """
            CREATE TABLE IF NOT EXISTS sync_versions (
                flow VARCHAR(100) NOT NULL,
                record_key VARCHAR(500) NOT NULL,
                source_version BIGINT NOT NULL,
                event_id VARCHAR(100),
                PRIMARY KEY (flow, record_key))""";
    static final String CREATE_ACTIVITY = """
            CREATE TABLE IF NOT EXISTS sync_flow_activity (
                flow VARCHAR(100) NOT NULL PRIMARY KEY,
                last_success BIGINT NOT NULL)""";
    static final String MERGE_ACTIVITY = """
            MERGE INTO sync_flow_activity t
            USING (SELECT CAST(? AS VARCHAR(100)) AS flow, CAST(? AS BIGINT) AS last_success) s
            ON t.flow = s.flow
            WHEN MATCHED AND s.last_success > t.last_success THEN UPDATE SET last_success = s.last_success
            WHEN NOT MATCHED THEN INSERT (flow, last_success) VALUES (s.flow, s.last_success)""";
    static final String CREATE_IDEMPOTENCY = """
            CREATE TABLE IF NOT EXISTS sync_idempotency (
                flow VARCHAR(100) NOT NULL,
                idempotency_key VARCHAR(255) NOT NULL,
                event_id VARCHAR(100) NOT NULL,
                created_at BIGINT NOT NULL,
                accepted BOOLEAN NOT NULL,
                body_hash VARCHAR(64),
                PRIMARY KEY (flow, idempotency_key))""";
    /** A key is bound to the body it was first used with (tables created before that get the column). */
    static final String ADD_BODY_HASH = "ALTER TABLE sync_idempotency ADD COLUMN IF NOT EXISTS body_hash VARCHAR(64)";
    static final String MERGE = """
            MERGE INTO sync_versions t
            USING (SELECT CAST(? AS VARCHAR(100)) AS flow, CAST(? AS VARCHAR(500)) AS record_key,
                          CAST(? AS BIGINT) AS source_version, CAST(? AS VARCHAR(100)) AS event_id) s
            ON t.flow = s.flow AND t.record_key = s.record_key
            WHEN MATCHED AND s.source_version > t.source_version THEN
                UPDATE SET source_version = s.source_version, event_id = s.event_id
            WHEN NOT MATCHED THEN
                INSERT (flow, record_key, source_version, event_id) VALUES (s.flow, s.record_key, s.source_version, s.event_id)""";

    private final SyncConfig config;
    private Connection connection;

    StateStore(SyncConfig config) {
        this.config = config;
    }

    /** The stored versions of those keys that have one. */
    public synchronized Map<String, Long> versions(String flow, Collection<String> keys) throws SQLException {
        Map<String, Long> versions = new HashMap<>();
        if (keys.isEmpty()) {
            return versions;
        }
        // Row values, so the whole primary key is the index condition: "flow = ? AND record_key IN (...)" makes H2
        // scan every row of the flow for each chunk, which grows with every key ever delivered (docs/benchmarks.md).
        String pairs = String.join(",", java.util.Collections.nCopies(keys.size(), "(?, ?)"));
        try (PreparedStatement select = connection().prepareStatement(
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

    /** Remembers delivered versions; an older one never replaces a newer one. */
    public synchronized void remember(String flow, Map<String, Long> versions, Map<String, String> eventIds) throws SQLException {
        if (versions.isEmpty()) {
            return;
        }
        try (PreparedStatement merge = connection().prepareStatement(MERGE)) {
            for (Map.Entry<String, Long> version : versions.entrySet()) {
                merge.setString(1, flow);
                merge.setString(2, version.getKey());
                merge.setLong(3, version.getValue());
                merge.setString(4, eventIds.get(version.getKey()));
                merge.addBatch();
            }
            merge.executeBatch();
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
    public synchronized Optional<KeyHolder> claimIdempotencyKey(String flow, String key, String eventId, String bodyHash,
            long now, long oldestValid, long oldestPending) throws SQLException {
        Optional<StoredKey> stored = storedKey(flow, key);
        if (stored.isPresent()) {
            StoredKey held = stored.get();
            if (held.createdAt() >= (held.holder().accepted() ? oldestValid : oldestPending)) {
                return Optional.of(held.holder());
            }
            try (PreparedStatement takeOver = connection().prepareStatement("UPDATE sync_idempotency"
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
            return storedKey(flow, key).map(StoredKey::holder).or(() -> Optional.of(new KeyHolder("", false, bodyHash)));
        }
        try (PreparedStatement insert = connection().prepareStatement("INSERT INTO sync_idempotency"
                + " (flow, idempotency_key, event_id, created_at, accepted, body_hash) VALUES (?, ?, ?, ?, FALSE, ?)")) {
            insert.setString(1, flow);
            insert.setString(2, key);
            insert.setString(3, eventId);
            insert.setLong(4, now);
            insert.setString(5, bodyHash);
            insert.executeUpdate();
        } catch (SQLException conflict) {
            // another instance took the key between the two statements
            Optional<StoredKey> winner = storedKey(flow, key);
            if (winner.isPresent()) {
                return Optional.of(winner.get().holder());
            }
            throw conflict;
        }
        return Optional.empty();
    }

    private record StoredKey(KeyHolder holder, long createdAt) {
    }

    private Optional<StoredKey> storedKey(String flow, String key) throws SQLException {
        try (PreparedStatement select = connection().prepareStatement("SELECT event_id, created_at, accepted, body_hash"
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
    public synchronized int purgeIdempotencyKeys(long oldestValid, long oldestPending) throws SQLException {
        try (PreparedStatement delete = connection().prepareStatement("DELETE FROM sync_idempotency"
                + " WHERE (accepted = TRUE AND created_at < ?) OR (accepted = FALSE AND created_at < ?)")) {
            delete.setLong(1, oldestValid);
            delete.setLong(2, oldestPending);
            return delete.executeUpdate();
        }
    }

    /** The event of this key is durable in the broker: repeats now get its id. */
    public synchronized void acceptIdempotencyKey(String flow, String key, String eventId) throws SQLException {
        try (PreparedStatement accept = connection().prepareStatement(
                "UPDATE sync_idempotency SET accepted = TRUE WHERE flow = ? AND idempotency_key = ? AND event_id = ?")) {
            accept.setString(1, flow);
            accept.setString(2, key);
            accept.setString(3, eventId);
            accept.executeUpdate();
        }
    }

    public synchronized void releaseIdempotencyKey(String flow, String key, String eventId) throws SQLException {
        try (PreparedStatement delete = connection().prepareStatement(
                "DELETE FROM sync_idempotency WHERE flow = ? AND idempotency_key = ? AND event_id = ?")) {
            delete.setString(1, flow);
            delete.setString(2, key);
            delete.setString(3, eventId);
            delete.executeUpdate();
        }
    }

    /** When each flow last delivered (epoch milliseconds), so silence is measured across restarts. */
    public synchronized Map<String, Long> lastSuccesses() throws SQLException {
        Map<String, Long> successes = new HashMap<>();
        try (Statement select = connection().createStatement();
                ResultSet rows = select.executeQuery("SELECT flow, last_success FROM sync_flow_activity")) {
            while (rows.next()) {
                successes.put(rows.getString(1), rows.getLong(2));
            }
        }
        return successes;
    }

    public synchronized void recordSuccess(String flow, long epochMillis) throws SQLException {
        try (PreparedStatement merge = connection().prepareStatement(MERGE_ACTIVITY)) {
            merge.setString(1, flow);
            merge.setLong(2, epochMillis);
            merge.executeUpdate();
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null || !connection.isValid(2)) {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // it is broken already; a new one replaces it
                }
            }
            String url = config.state().jdbcUrl().orElseGet(() -> "jdbc:h2:file:"
                    + Path.of(config.dataDir(), "state", "versions").toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE");
            connection = open(url);
            connection.setAutoCommit(true);
            try (Statement ddl = connection.createStatement()) {
                ddl.execute(CREATE);
                ddl.execute(CREATE_ACTIVITY);
                ddl.execute(CREATE_IDEMPOTENCY);
                ddl.execute(ADD_BODY_HASH);
            }
            clearFutureVersions(connection);
            LOG.infof("Version store: %s", url.replaceAll("password=[^;&]*", "password=***"));
        }
        return connection;
    }

    /**
     * A version stored further in the future than {@code sync.limits.max-clock-skew} (accepted before source timestamps
     * were bounded) would make every real update of its key look stale for ever: it is forgotten, so the next update
     * of the key is delivered and becomes the version to beat.
     */
    private void clearFutureVersions(Connection connection) throws SQLException {
        long latest = System.currentTimeMillis() + config.limits().maxClockSkew().toMillis();
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM sync_versions WHERE source_version > ?")) {
            delete.setLong(1, latest);
            int cleared = delete.executeUpdate();
            if (cleared > 0) {
                LOG.warnf("Version store: %d stored version(s) lay beyond sync.limits.max-clock-skew in the future and were"
                        + " cleared; the next update of those keys is delivered", cleared);
            }
        }
    }

    /**
     * The driver by URL, not through DriverManager: DriverManager finds drivers through the calling thread's context
     * class loader, which a JMS consumer thread does not share with the application.
     */
    private Connection open(String url) throws SQLException {
        Driver driver = url.startsWith("jdbc:postgresql:") ? new org.postgresql.Driver()
                : url.startsWith("jdbc:h2:") ? new org.h2.Driver()
                : null;
        if (driver == null) {
            throw new SQLException("sync.state.jdbc-url must be jdbc:h2:... or jdbc:postgresql:..., not " + url);
        }
        Properties properties = new Properties();
        config.state().username().ifPresent(user -> properties.setProperty("user", user));
        config.state().password().ifPresent(password -> properties.setProperty("password", password));
        return driver.connect(url, properties);
    }

    @PreDestroy
    synchronized void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.warnf("The version store did not close cleanly: %s", e.getMessage());
            }
            connection = null;
        }
    }
}
